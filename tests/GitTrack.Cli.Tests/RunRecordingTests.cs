using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>gittrack run</c> through the real process in real repositories: what it records (read back with git and
/// Python's tomllib), what the child sees, what it passes through, how it exits, and every bad input.
/// </summary>
public sealed class RunRecordingTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Run(params string[] args) => GitTrackProcess.Run(_repo, ["run", .. args]);

    [Fact]
    public void Params_from_the_command_line_are_typed_in_the_manifest()
    {
        var result = Run("-p", "epochs=10", "-p", "lr=0.01", "-p", "shuffle=true", "-p", "model=xgb", "-p", "big=1e3", "--", "true");

        Assert.Equal(0, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        var parameters = manifest.GetProperty("params");
        Assert.Equal(10, parameters.GetProperty("epochs").GetInt64());
        Assert.Equal(0.01, parameters.GetProperty("lr").GetDouble());
        Assert.True(parameters.GetProperty("shuffle").GetBoolean());
        Assert.Equal("xgb", parameters.GetProperty("model").GetString());
        Assert.Equal(1000.0, parameters.GetProperty("big").GetDouble());
        var types = manifest.GetProperty("param_types");
        Assert.Equal("int", types.GetProperty("epochs").GetString());
        Assert.Equal("float", types.GetProperty("lr").GetString());
        Assert.Equal("bool", types.GetProperty("shuffle").GetString());
        Assert.Equal("str", types.GetProperty("model").GetString());
        Assert.Equal("float", types.GetProperty("big").GetString());
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.Equal(0, manifest.GetProperty("exit_code").GetInt32());
        Assert.Equal(2, manifest.GetProperty("schema").GetInt32());
        Assert.Equal("run_001", manifest.GetProperty("name").GetString());
    }

    [Fact]
    public void Run_commits_carry_the_identity_and_the_branch_named_in_the_users_global_git_config()
    {
        // TempGitRepo keeps user.name/user.email in its global file; the branch goes there too, not in .git/config.
        _repo.Git("config", "--global", "gittrack.branch", "team/runs");

        var result = Run("--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("Test User <test@example.com>", _repo.Git("log", "-1", "--format=%an <%ae>", "team/runs").Trim());
        Assert.Equal("", _repo.Git("branch", "--list", "gittrack/runs").Trim());
    }

    [Fact]
    public void Run_commits_carry_the_identity_git_would_use_here_includeIf_included()
    {
        // A common setup: the work email comes from a file included only for repositories under a folder.
        var home = Path.GetDirectoryName(_repo.Root)!;
        File.WriteAllText(Path.Combine(home, "work.gitconfig"), "[user]\n\temail = ada@work.example\n");
        File.AppendAllText(Path.Combine(home, ".gitconfig"), $"[includeIf \"gitdir:{home}/\"]\n\tpath = {Path.Combine(home, "work.gitconfig")}\n");

        var result = Run("--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("Test User <ada@work.example>", _repo.Git("log", "-1", "--format=%an <%ae>", "gittrack/runs").Trim());
    }

    [Theory]
    [InlineData("params.toml", "lr = 0.1\n[model]\nmax_depth = 6\nname = \"xgb\"\n[model.tree]\nsubsample = 0.8\n")]
    [InlineData("params.yaml", "lr: 0.1\nmodel:\n  max_depth: 6\n  name: xgb\n  tree:\n    subsample: 0.8\n")]
    [InlineData("params.json", "{\"lr\": 0.1, \"model\": {\"max_depth\": 6, \"name\": \"xgb\", \"tree\": {\"subsample\": 0.8}}}")]
    public void A_params_file_is_flattened_to_dotted_names_and_the_child_sees_them_in_GITTRACK_PARAMS(string file, string content)
    {
        _repo.WriteFile(file, content);
        var result = Run("--params-file", file, "-p", "seed=7", "--", "bash", "-c", "cat \"$GITTRACK_PARAMS\"");

        Assert.Equal(0, result.ExitCode);
        var parameters = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("params");
        Assert.Equal(0.1, parameters.GetProperty("lr").GetDouble());
        Assert.Equal(6, parameters.GetProperty("model.max_depth").GetInt64());
        Assert.Equal("xgb", parameters.GetProperty("model.name").GetString());
        Assert.Equal(0.8, parameters.GetProperty("model.tree.subsample").GetDouble());
        Assert.Equal(7, parameters.GetProperty("seed").GetInt64());

        using var seen = JsonDocument.Parse(result.Stdout);
        Assert.Equal(6, seen.RootElement.GetProperty("model.max_depth").GetInt64());
        Assert.Equal(7, seen.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal("xgb", seen.RootElement.GetProperty("model.name").GetString());
    }

    [Fact]
    public void The_child_sees_its_run_id_and_events_file()
    {
        var result = Run("--", "bash", "-c", "echo \"$GITTRACK_RUN_ID\"; echo \"$GITTRACK_EVENTS\"; test -f \"$GITTRACK_EVENTS\" && echo exists");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        var id = RunsOnBranch.SingleId(_repo);
        Assert.Equal(id, lines[0]);
        Assert.EndsWith(".jsonl", lines[1], StringComparison.Ordinal);
        Assert.Equal("exists", lines[2]);
    }

    [Fact]
    public void Output_passes_through_unchanged_and_is_stored_as_the_log()
    {
        const string printed = "epoch 1\r\repoch 2 \u00e9\n\tno newline at the end";
        var result = Run("--", "printf", "%s", printed);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(printed, result.Stdout);
        var log = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("log");
        Assert.Equal("output.log", log.GetProperty("path").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(printed), log.GetProperty("size").GetInt64());
        Assert.Equal(printed, RunsOnBranch.CacheCat(_repo, log.GetProperty("blake3").GetString()!));
    }

    [Fact]
    public void Standard_error_passes_through_and_is_logged_with_standard_output()
    {
        var result = Run("--", "bash", "-c", "echo to-out; sleep 0.2; echo to-err >&2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("to-out\n", result.Stdout);
        Assert.StartsWith("to-err\n", result.Stderr, StringComparison.Ordinal);
        var key = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("log").GetProperty("blake3").GetString()!;
        Assert.Equal("to-out\nto-err\n", RunsOnBranch.CacheCat(_repo, key));
    }

    [Fact]
    public void A_failing_command_is_recorded_as_failed_and_gittrack_exits_with_its_code()
    {
        var result = Run("--", "bash", "-c", "exit 3");

        Assert.Equal(3, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("failed", manifest.GetProperty("status").GetString());
        Assert.Equal(3, manifest.GetProperty("exit_code").GetInt32());
        Assert.Contains("failed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("exit code 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_that_cannot_be_started_is_recorded_as_failed_with_exit_code_127_and_the_reason()
    {
        var result = Run("--", "no-such-command-gittrack-test", "--flag");

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("command not found: no-such-command-gittrack-test", result.Stderr, StringComparison.Ordinal);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("failed", manifest.GetProperty("status").GetString());
        Assert.Equal(127, manifest.GetProperty("exit_code").GetInt32());
        Assert.Contains("command not found", manifest.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_executable_cannot_be_started_and_says_why()
    {
        _repo.WriteFile("train.sh", "#!/bin/sh\necho hi\n");
        var result = Run("--", "./train.sh");

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("not executable", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lr")]
    [InlineData("=0.1")]
    public void A_bad_param_is_one_line_and_exit_2_and_records_nothing(string param)
    {
        var result = Run("--param", param, "--", "true");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: ", line, StringComparison.Ordinal);
        Assert.Contains(param, line, StringComparison.Ordinal);
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }

    [Fact]
    public void A_bad_params_file_is_one_line_and_exit_2()
    {
        _repo.WriteFile("p.toml", "lr = = 1\n");
        var result = Run("--params-file", "p.toml", "--", "true");
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("p.toml", line, StringComparison.Ordinal);

        var missing = Run("--params-file", "nope.yaml", "--", "true");
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Outside_a_repository_is_one_line_and_exit_2()
    {
        var outside = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "not-a-repo");
        Directory.CreateDirectory(outside);
        var environment = GitTrackProcess.Merge(_repo.Environment, new Dictionary<string, string> { ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(_repo.Root)! });

        var result = GitTrackProcess.RunIn(outside, environment, "run", "--", "true");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("git repository", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_with_no_commit_is_one_line_and_exit_2()
    {
        using var empty = new TempGitRepo(withCommit: false);
        var result = GitTrackProcess.Run(empty, "run", "--", "true");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("commit", line, StringComparison.Ordinal);
        Assert.Empty(RunsOnBranch.Ids(empty));
    }

    [Fact]
    public void No_command_is_exit_2()
    {
        var result = Run("--name", "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }

    [Fact]
    public void Name_tags_and_note_are_recorded()
    {
        var result = Run("--name", "baseline", "--tag", "dataset=v2", "-t", "team=ml", "--note", "first try", "--", "true");

        Assert.Equal(0, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("baseline", manifest.GetProperty("name").GetString());
        Assert.Equal("v2", manifest.GetProperty("tags").GetProperty("dataset").GetString());
        Assert.Equal("ml", manifest.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("first try", manifest.GetProperty("note").GetString());
        Assert.Equal(["true"], manifest.GetProperty("command").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void A_run_that_changes_nothing_leaves_status_HEAD_and_index_byte_identical()
    {
        _repo.WriteFile("README.md", "# changed, not staged\n");
        _repo.WriteFile("untracked.txt", "new\n");
        _repo.WriteFile("staged.txt", "staged\n");
        _repo.Git("add", "staged.txt");
        var indexPath = Path.Combine(_repo.Root, ".git", "index");
        var statusBefore = _repo.Git("status", "--porcelain=v2", "--branch", "--untracked-files=all");
        var headBefore = File.ReadAllBytes(Path.Combine(_repo.Root, ".git", "HEAD"));
        var headCommitBefore = _repo.Git("rev-parse", "HEAD");
        var indexBefore = File.ReadAllBytes(indexPath);
        var branchesBefore = _repo.Git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/main", "refs/tags");

        var result = Run("--", "bash", "-c", "cat README.md > /dev/null");

        // The index and HEAD are read before any git command runs again (git status may refresh the index itself).
        var indexAfter = File.ReadAllBytes(indexPath);
        var headAfter = File.ReadAllBytes(Path.Combine(_repo.Root, ".git", "HEAD"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(indexBefore, indexAfter);
        Assert.Equal(headBefore, headAfter);
        Assert.Equal(statusBefore, _repo.Git("status", "--porcelain=v2", "--branch", "--untracked-files=all"));
        Assert.Equal(headCommitBefore, _repo.Git("rev-parse", "HEAD"));
        Assert.Equal(branchesBefore, _repo.Git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/main", "refs/tags"));
        Assert.Equal("true", RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("source").GetProperty("dirty").GetRawText());
    }

    [Fact]
    public void Secrets_in_the_environment_never_reach_anything_committed()
    {
        const string githubToken = "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";
        const string awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        const string dbPassword = "pw-9f8e7d";
        var secrets = new Dictionary<string, string>
        {
            ["GITHUB_TOKEN"] = githubToken,
            ["AWS_SECRET_ACCESS_KEY"] = awsSecret,
            ["DATABASE_URL"] = $"postgres://u:{dbPassword}@h/db",
            ["SOME_SETTING"] = githubToken,
            ["GIT_AUTHOR_NAME"] = "Ada Lovelace",
        };

        var result = GitTrackProcess.RunWith(_repo, secrets, "run", "--", "true");

        Assert.Equal(0, result.ExitCode);
        var blobs = RunsOnBranch.AllBlobs(_repo).ToList();
        Assert.NotEmpty(blobs);
        foreach (var (path, content) in blobs)
        {
            Assert.DoesNotContain(githubToken, content, StringComparison.Ordinal);
            Assert.DoesNotContain(awsSecret, content, StringComparison.Ordinal);
            Assert.DoesNotContain(dbPassword, content, StringComparison.Ordinal);
            _ = path;
        }
        var env = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("env");
        Assert.Equal("***", env.GetProperty("GITHUB_TOKEN").GetString());
        Assert.Equal("***", env.GetProperty("AWS_SECRET_ACCESS_KEY").GetString());
        Assert.Equal("postgres://u:***@h/db", env.GetProperty("DATABASE_URL").GetString());
        Assert.Equal("Ada Lovelace", env.GetProperty("GIT_AUTHOR_NAME").GetString());
    }

    [Fact]
    public void A_run_inside_a_tracked_command_records_the_outer_run_as_its_parent()
    {
        var result = Run(["--name", "outer", "--", .. GitTrackProcess.CommandLine, "run", "--name", "inner", "--", "true"]);

        Assert.Equal(0, result.ExitCode);
        var ids = RunsOnBranch.Ids(_repo);
        Assert.Equal(2, ids.Count);
        var manifests = ids.Select(id => RunsOnBranch.Manifest(_repo, id)).ToList();
        var outer = manifests.Single(m => m.GetProperty("name").GetString() == "outer");
        var inner = manifests.Single(m => m.GetProperty("name").GetString() == "inner");
        Assert.Equal(outer.GetProperty("id").GetString(), inner.GetProperty("parent").GetString());
        Assert.False(outer.TryGetProperty("parent", out _));

        var shown = GitTrackProcess.Run(_repo, "show", "outer", "--json");
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(shown.Stdout);
        Assert.Equal([inner.GetProperty("id").GetString()], json.RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.RootElement.GetProperty("removed_at").ValueKind);
    }
}
