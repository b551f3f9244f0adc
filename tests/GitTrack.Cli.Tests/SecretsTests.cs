using System.Text;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Secrets planted everywhere a run records something (environment values, the command line, params from -p and a
/// params file, events, tags, the note, the remote URL, untracked files, the command's output) must reach neither the
/// runs branch (blobs and commit messages), nor the cache, nor GitTrack's run index, while the command still gets the
/// real values.
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    // Each one distinctive, so a search for it finds only a leak.
    private const string AccountKey = "QWNjb3VudEtleVNlY3JldDEyMzQ1Ng==";
    private const string ConnPassword = "ConnPassw0rd!x";
    private const string SlackPath = "T0AAAAAAA/B0BBBBBBB/SlackHookSecret123456";
    private const string OptsPassword = "OptsPassword777";
    private const string ApiKeyArg = "ApiKeyArgument123";
    private const string PasswordArg = "PasswordArgument456";
    private const string ShortPArg = "ShortPArgument789";
    private const string DbPassword = "DbParamPassword1";
    private const string ApiToken = "ApiTokenParam22";
    private const string UrlPassword = "UrlParamPass333";
    private const string FilePassword = "FileParamPass44";
    private const string EventToken = "EventTokenValue55";
    private const string TagKey = "TagApiKeyValue66";
    private const string NotePassword = "NotePassword777";
    private const string RemoteSig = "RemoteSignature88";
    private const string RemotePassword = "RemotePassword99";
    private const string EnvFile = "DotEnvFileSecret1";

    private static readonly string[] Secrets =
    [
        AccountKey, ConnPassword, SlackPath, OptsPassword, ApiKeyArg, PasswordArg, ShortPArg, DbPassword, ApiToken,
        UrlPassword, FilePassword, EventToken, TagKey, NotePassword, RemoteSig, RemotePassword, EnvFile,
    ];

    private static readonly string[] SecretFileNames =
    [
        ".env", "config/.env.local", "certs/server.pem", "certs/server.key", "certs/bundle.p12", "id_rsa", "home/.ssh/id_ed25519",
        ".netrc", ".aws/credentials", "gcp/credentials.json", "kubeconfig", "deploy/prod.kubeconfig", ".kube/config",
    ];

    [Fact]
    public void No_planted_secret_reaches_the_branch_the_cache_or_the_index_and_the_command_still_gets_every_real_value()
    {
        // Ignored folders: the command's report and the params file hold real secrets, and must not be in the snapshot.
        _repo.WriteFile(".gitignore", "out/\nlocal/\n");
        // The command reports what it got (into an ignored folder) and prints the secrets it knows to its output.
        _repo.WriteFile("train.sh", """
            mkdir -p out
            printf '%s\n' "$@" > out/argv.txt
            cp "$GITTRACK_PARAMS" out/params.json
            printf '%s\n' "$AZURE_STORAGE_CONNECTION_STRING" "$CONN" "$SLACK_WEBHOOK" "$OPTS" > out/env.txt
            echo "connecting with $AZURE_STORAGE_CONNECTION_STRING"
            echo "args: $*"
            echo "webhook $SLACK_WEBHOOK" >&2
            printf '{"type":"param","name":"hf_token","value":"Event%s"}\n' "TokenValue55" >> "$GITTRACK_EVENTS"
            printf '{"type":"tag","name":"reviewer","value":"ada"}\n' >> "$GITTRACK_EVENTS"
            """);
        _repo.WriteFile("local/params.toml", $"[db]\nhost = \"db.local\"\npassword = \"{FilePassword}\"\n");
        _repo.Commit("training");
        _repo.Git("remote", "add", "origin", $"https://me:{RemotePassword}@git.example.com/team/x.git?sv=2024&sig={RemoteSig}#frag");
        foreach (var name in SecretFileNames)
            _repo.WriteFile(name, $"{EnvFile}\n");
        _repo.WriteFile("notes.txt", "an ordinary untracked file\n");
        var environment = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AccountKey};EndpointSuffix=core.windows.net",
            ["CONN"] = $"Server=db.local;Database=app;User Id=sa;Password={ConnPassword};",
            ["SLACK_WEBHOOK"] = $"https://hooks.slack.com/services/{SlackPath}",
            ["OPTS"] = $"--verbose --password={OptsPassword}",
        };

        var result = GitTrackProcess.RunWith(_repo, environment,
            "run", "-n", "planted", "-p", $"db_password={DbPassword}", "-p", $"api_token={ApiToken}",
            "-p", $"db_url=postgres://app:{UrlPassword}@db.local/app", "-p", "max_tokens=512", "-p", "pad_token=<pad>",
            "--params-file", "local/params.toml", "--tag", $"api_key={TagKey}", "--tag", "team=vision",
            "--note", $"db password: {NotePassword}",
            "--", "sh", "train.sh", $"--api-key={ApiKeyArg}", "--password", PasswordArg, "-p", ShortPArg, "--epochs", "3");

        Assert.True(result.ExitCode == 0, result.Stderr);
        // The command got every real value: only what is recorded is masked.
        Assert.Equal($"--api-key={ApiKeyArg}\n--password\n{PasswordArg}\n-p\n{ShortPArg}\n--epochs\n3\n", File.ReadAllText(_repo.PathOf("out/argv.txt")));
        using (var given = JsonDocument.Parse(File.ReadAllText(_repo.PathOf("out/params.json"))))
        {
            Assert.Equal(DbPassword, given.RootElement.GetProperty("db_password").GetString());
            Assert.Equal(FilePassword, given.RootElement.GetProperty("db.password").GetString());
        }
        Assert.Contains(AccountKey, File.ReadAllText(_repo.PathOf("out/env.txt")), StringComparison.Ordinal);
        // ...and the terminal saw the output unchanged.
        Assert.Contains(AccountKey, result.Stdout, StringComparison.Ordinal);
        Assert.Contains(SlackPath, result.Stderr, StringComparison.Ordinal);

        var id = RunsOnBranch.SingleId(_repo);
        var leaks = new List<string>();
        foreach (var (path, content) in RunsOnBranch.AllBlobs(_repo))
            leaks.AddRange(Secrets.Where(s => content.Contains(s, StringComparison.Ordinal)).Select(s => $"{s} in branch object {path}"));
        foreach (var message in RunsOnBranch.Subjects(_repo))
            leaks.AddRange(Secrets.Where(s => message.Contains(s, StringComparison.Ordinal)).Select(s => $"{s} in commit message"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_repo.Root, ".git", "gittrack"), "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var folder = Path.GetFileName(Path.GetDirectoryName(file)!);
            var text = file.Contains("/objects/", StringComparison.Ordinal) && folder.Length == 2
                ? RunsOnBranch.CacheCat(_repo, folder + Path.GetFileName(file))
                : Encoding.UTF8.GetString(bytes);
            leaks.AddRange(Secrets.Where(s => text.Contains(s, StringComparison.Ordinal)).Select(s => $"{s} in {file}"));
        }
        var show = GitTrackProcess.Run(_repo, "show", id).Stdout;
        leaks.AddRange(Secrets.Where(s => show.Contains(s, StringComparison.Ordinal)).Select(s => $"{s} in gittrack show"));
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));

        var manifest = RunsOnBranch.Manifest(_repo, id);
        // What is not secret stays exact.
        Assert.Equal(512, manifest.GetProperty("params").GetProperty("max_tokens").GetInt64());
        Assert.Equal("<pad>", manifest.GetProperty("params").GetProperty("pad_token").GetString());
        Assert.Equal("db.local", manifest.GetProperty("params").GetProperty("db.host").GetString());
        Assert.Equal("postgres://app:***@db.local/app", manifest.GetProperty("params").GetProperty("db_url").GetString());
        Assert.Equal("***", manifest.GetProperty("params").GetProperty("db_password").GetString());
        Assert.Equal("***", manifest.GetProperty("params").GetProperty("hf_token").GetString());
        Assert.Equal("vision", manifest.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("ada", manifest.GetProperty("tags").GetProperty("reviewer").GetString());
        Assert.Equal("db password: ***", manifest.GetProperty("note").GetString());
        Assert.Equal(["sh", "train.sh", "--api-key=***", "--password", "***", "-p", "***", "--epochs", "3"],
            manifest.GetProperty("command").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net",
            manifest.GetProperty("env").GetProperty("AZURE_STORAGE_CONNECTION_STRING").GetString());
        Assert.Equal("Server=db.local;Database=app;User Id=sa;Password=***;", manifest.GetProperty("env").GetProperty("CONN").GetString());
        Assert.Equal("https://hooks.slack.com/services/***", manifest.GetProperty("env").GetProperty("SLACK_WEBHOOK").GetString());
        Assert.Equal("--verbose --password=***", manifest.GetProperty("env").GetProperty("OPTS").GetString());
        Assert.Equal("https://git.example.com/team/x.git", manifest.GetProperty("source").GetProperty("remote").GetString());
        // The stored log has the known secrets masked, the rest of the output kept.
        var log = RunsOnBranch.CacheCat(_repo, manifest.GetProperty("log").GetProperty("blake3").GetString()!);
        Assert.Contains("connecting with DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;", log, StringComparison.Ordinal);
        Assert.Contains("webhook https://hooks.slack.com/services/***", log, StringComparison.Ordinal);
        Assert.Contains("args: --api-key=*** --password *** -p *** --epochs 3", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Untracked_files_of_secrets_are_left_out_of_the_snapshot_named_in_a_warning_and_in_skipped()
    {
        foreach (var name in SecretFileNames)
            _repo.WriteFile(name, $"{EnvFile}\n");
        _repo.WriteFile("notes.txt", "an ordinary untracked file\n");

        var result = GitTrackProcess.Run(_repo, "run", "-n", "files", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var id = RunsOnBranch.SingleId(_repo);
        var manifest = RunsOnBranch.Manifest(_repo, id);
        var tree = manifest.GetProperty("source").GetProperty("tree").GetString()!;
        var files = _repo.Git("ls-tree", "-r", "--name-only", tree).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("notes.txt", files);
        Assert.Empty(files.Intersect(SecretFileNames));
        Assert.Equal(SecretFileNames.Order(StringComparer.Ordinal), manifest.GetProperty("source").GetProperty("skipped").EnumerateArray().Select(e => e.GetString()!));
        Assert.True(manifest.GetProperty("source").GetProperty("dirty").GetBoolean());
        foreach (var name in SecretFileNames)
            Assert.Contains(result.Stderr.Split('\n'), l => l.StartsWith("gittrack: warning: left out of the code snapshot", StringComparison.Ordinal)
                && l.Contains("secrets", StringComparison.Ordinal) && l.EndsWith(": " + name, StringComparison.Ordinal));
        Assert.DoesNotContain(RunsOnBranch.AllBlobs(_repo), b => b.Content.Contains(EnvFile, StringComparison.Ordinal));
        // The user's files are untouched and still untracked.
        Assert.Equal($"{EnvFile}\n", File.ReadAllText(_repo.PathOf(".env")));
        Assert.Contains("?? .env", _repo.Git("status", "--porcelain", "--untracked-files=all"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_changes_the_list_of_secret_files_with_git_config()
    {
        _repo.WriteFile("tls/server.key", "not a secret here: a test fixture\n");
        _repo.WriteFile("conf/secrets.yaml", $"token: {EnvFile}\n");
        _repo.WriteFile(".env", $"{EnvFile}\n");
        _repo.Git("config", "--add", "gittrack.secretFiles", "!*.key");
        _repo.Git("config", "--add", "gittrack.secretFiles", "secrets.yaml");

        var result = GitTrackProcess.Run(_repo, "run", "-n", "configured", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        var files = _repo.Git("ls-tree", "-r", "--name-only", manifest.GetProperty("source").GetProperty("tree").GetString()!);
        Assert.Contains("tls/server.key", files, StringComparison.Ordinal);
        Assert.DoesNotContain("secrets.yaml", files, StringComparison.Ordinal);
        Assert.DoesNotContain(".env", files, StringComparison.Ordinal);
        Assert.Equal([".env", "conf/secrets.yaml"], manifest.GetProperty("source").GetProperty("skipped").EnumerateArray().Select(e => e.GetString()!));

        _repo.Git("config", "--add", "gittrack.secretFiles", "none");
        Assert.Equal(0, GitTrackProcess.Run(_repo, "run", "-n", "none", "--", "true").ExitCode);
        var second = RunsOnBranch.Ids(_repo).Single(i => RunsOnBranch.ManifestText(_repo, i).Contains("name = \"none\"", StringComparison.Ordinal));
        var all = _repo.Git("ls-tree", "-r", "--name-only", RunsOnBranch.Manifest(_repo, second).GetProperty("source").GetProperty("tree").GetString()!);
        Assert.Contains(".env", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_and_note_mask_secrets_in_the_manifest_and_in_the_commit_message()
    {
        Assert.Equal(0, GitTrackProcess.Run(_repo, "run", "-n", "r", "--", "true").ExitCode);

        var tag = GitTrackProcess.Run(_repo, "tag", "r", $"deploy_token={TagKey}", $"hook=https://hooks.slack.com/services/{SlackPath}", "team=vision");
        var note = GitTrackProcess.Run(_repo, "note", "r", $"worked with --password {NotePassword}");

        Assert.True(tag.ExitCode == 0, tag.Stderr);
        Assert.True(note.ExitCode == 0, note.Stderr);
        var manifest = RunsOnBranch.Shown(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("***", manifest.GetProperty("tags").GetProperty("deploy_token").GetString());
        Assert.Equal("https://hooks.slack.com/services/***", manifest.GetProperty("tags").GetProperty("hook").GetString());
        Assert.Equal("vision", manifest.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("worked with --password ***", manifest.GetProperty("note").GetString());
        var history = _repo.Git("log", "-p", "--format=%B", RunsOnBranch.Branch); // messages and the edit files
        Assert.DoesNotContain(TagKey, history, StringComparison.Ordinal);
        Assert.DoesNotContain(SlackPath, history, StringComparison.Ordinal);
        Assert.Contains("tagged deploy_token=***", history, StringComparison.Ordinal);
    }
}
