using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>gittrack model</c>: versions and aliases as immutable entries on the runs branch, readable with git alone,
/// merging between clones without conflict, folded by the rule of docs/format.md; <c>gittrack best --per</c>.
/// </summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        _repo.Dispose();
        foreach (var folder in _folders)
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private string Record(TempGitRepo repo, string name, string content, double loss)
    {
        repo.WriteFile("model.bin", content);
        repo.WriteFile("train.sh", $"echo '{{\"type\":\"metric\",\"name\":\"loss\",\"value\":{loss.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}' >> \"$GITTRACK_EVENTS\"\n");
        var result = GitTrackProcess.Run(repo, "run", "-n", name, "-a", "model.bin", "--", "bash", "train.sh");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return RunsOnBranch.Ids(repo).Single(id => RunsOnBranch.Manifest(repo, id).GetProperty("name").GetString() == name);
    }

    private static ProcessResult Ok(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        return result;
    }

    private static JsonElement Json(ProcessResult result)
    {
        using var doc = JsonDocument.Parse(Ok(result).Stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Register_alias_show_and_checkout_a_model_stored_as_entries_git_can_read()
    {
        var first = Record(_repo, "first", "weights one", 0.5);
        var second = Record(_repo, "second", "weights two", 0.25);
        Assert.Contains("cnn version 1: model.bin of run first", Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", "first")).Stdout);
        Assert.Contains("cnn version 2", Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", second[..8], "--artifact", "model.bin")).Stdout);
        Ok(GitTrackProcess.Run(_repo, "model", "alias", "cnn", "1", "production"));
        Ok(GitTrackProcess.Run(_repo, "model", "alias", "cnn", "2", "champion"));
        Ok(GitTrackProcess.Run(_repo, "model", "alias", "cnn", "2", "production"));

        // Readable in git alone: one immutable TOML file per registration and per alias assignment.
        var versions = _repo.Git("ls-tree", "--name-only", "gittrack/runs:models/cnn/versions").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var aliases = _repo.Git("ls-tree", "--name-only", "gittrack/runs:models/cnn/aliases").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, versions.Length);
        Assert.Equal(3, aliases.Length);
        Assert.All(versions.Concat(aliases), f => Assert.Matches("^[0-9a-f]{32}\\.toml$", f));
        var texts = versions.Select(v => _repo.Git("show", $"gittrack/runs:models/cnn/versions/{v}")).ToList();
        var firstEntry = Assert.Single(texts, t => t.Contains($"run = \"{first}\""));
        Assert.Contains("artifact = \"model.bin\"", firstEntry);
        Assert.Matches("blake3 = \"[0-9a-f]{64}\"", firstEntry);
        Assert.Contains("size = 11", firstEntry);
        Assert.Matches("registered_at = \\d{4}-", firstEntry);
        Assert.Contains("clock = 1", firstEntry);
        Assert.Contains("number = 1", firstEntry);

        var model = Json(GitTrackProcess.Run(_repo, "model", "show", "cnn", "--json"));
        Assert.Equal(2, model.GetProperty("latest").GetInt64());
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("production").GetInt64());
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("champion").GetInt64());
        var v1 = model.GetProperty("versions")[0];
        Assert.Equal(first, v1.GetProperty("run_id").GetString());
        Assert.Equal(0.5, v1.GetProperty("run").GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.Empty(v1.GetProperty("aliases").EnumerateArray());

        var one = Json(GitTrackProcess.Run(_repo, "model", "show", "cnn@production", "--json"));
        Assert.Equal(2, one.GetProperty("version").GetInt64());
        Assert.Equal(["champion", "production"], one.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, Json(GitTrackProcess.Run(_repo, "model", "show", "cnn/1", "--json")).GetProperty("version").GetInt64());
        var table = Ok(GitTrackProcess.Run(_repo, "model", "show", "cnn")).Stdout;
        Assert.Contains("metrics.loss", table);
        Assert.Contains("champion, production", table);
        var list = Ok(GitTrackProcess.Run(_repo, "model", "ls")).Stdout;
        Assert.Contains("champion=2, production=2", list);

        var target = Path.Combine(_repo.Root, "out", "deployed.bin");
        Ok(GitTrackProcess.Run(_repo, "model", "checkout", "cnn@production", "-o", "out/deployed.bin"));
        Assert.Equal("weights two", File.ReadAllText(target));
        File.WriteAllText(target, "my own edits");
        var refused = GitTrackProcess.Run(_repo, "model", "checkout", "cnn@production", "-o", "out/deployed.bin");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("exists and differs", refused.Stderr);
        Assert.Equal("my own edits", File.ReadAllText(target));
        Ok(GitTrackProcess.Run(_repo, "model", "checkout", "cnn/1", "-o", "out/deployed.bin", "--force"));
        Assert.Equal("weights one", File.ReadAllText(target));
        Assert.Equal(2, GitTrackProcess.Run(_repo, "model", "show", "cnn@staging").ExitCode);
        Assert.Equal(2, GitTrackProcess.Run(_repo, "model", "register", "../evil", "first").ExitCode);
        Assert.Equal(2, GitTrackProcess.Run(_repo, "model", "alias", "cnn", "9", "staging").ExitCode);
    }

    [Fact]
    public void Two_clones_registering_at_once_both_get_a_version_after_the_branches_merge()
    {
        var run = Record(_repo, "base", "weights", 0.3);
        Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", run));
        var clone = Path.Combine(Path.GetTempPath(), "gittrack-tests", "clone-" + Guid.NewGuid().ToString("N")[..8]);
        _folders.Add(clone);
        ProcessRunner.Run("git", ["clone", "-q", "--no-local", _repo.Root, clone], _repo.Root, _repo.Environment);
        ProcessRunner.Run("git", ["fetch", "-q", "origin", "gittrack/runs:gittrack/runs"], clone, _repo.Environment);

        // Both register "the next version" without seeing each other: both claim number 2.
        Assert.Contains("cnn version 2", Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", run)).Stdout);
        // The clone registers later (its registered_at, the tie-break after the equal clocks, is later).
        Assert.Contains("cnn version 2", Ok(GitTrackProcess.RunIn(clone, _repo.Environment, "model", "register", "cnn", run)).Stdout);
        Ok(GitTrackProcess.RunIn(clone, _repo.Environment, "model", "alias", "cnn", "2", "champion"));

        // Merge the clone's branch in with git itself: a union of new files, no conflict.
        _repo.Git("fetch", "-q", clone, "gittrack/runs:refs/remotes/clone/runs");
        var tree = _repo.Git("merge-tree", "--write-tree", "gittrack/runs", "refs/remotes/clone/runs").Trim();
        var merge = _repo.Git("commit-tree", tree, "-p", "gittrack/runs", "-p", "refs/remotes/clone/runs", "-m", "merge").Trim();
        _repo.Git("update-ref", "refs/heads/gittrack/runs", merge);

        var model = Json(GitTrackProcess.Run(_repo, "model", "show", "cnn", "--json"));
        var versions = model.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], versions.Select(v => v.GetProperty("version").GetInt64()));
        // The earlier registration keeps the number it showed; the clone's moves to the next free one, and its alias follows it.
        Assert.True(versions[1].GetProperty("registered_at").GetString()!.CompareTo(versions[2].GetProperty("registered_at").GetString()) < 0);
        Assert.Equal(3, model.GetProperty("aliases").GetProperty("champion").GetInt64());
    }

    [Fact]
    public void Hostile_entries_on_the_branch_are_skipped_with_a_warning_and_the_rest_is_read()
    {
        var run = Record(_repo, "base", "weights", 0.3);
        Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", run));
        var work = Path.Combine(Path.GetTempPath(), "gittrack-tests", "wt-" + Guid.NewGuid().ToString("N")[..8]);
        _folders.Add(work);
        _repo.Git("worktree", "add", "-q", work, "gittrack/runs");
        void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(work, path))!);
            File.WriteAllText(Path.Combine(work, path), text);
        }
        Write("models/bad name/versions/0123456789abcdef0123456789abcdef.toml", "schema = 1\n");
        Write("models/cnn/versions/not-an-id.toml", "schema = 1\n");
        Write("models/cnn/versions/00000000000000000000000000000001.toml", "schema = [\n");
        Write("models/cnn/versions/00000000000000000000000000000002.toml",
            "schema = 1\nid = \"00000000000000000000000000000002\"\nmodel = \"cnn\"\nrun = \"" + run + "\"\nartifact = \"../../etc/passwd\"\n"
            + "blake3 = \"" + new string('a', 64) + "\"\nsize = 1\nregistered_at = 2026-01-01T00:00:00Z\nclock = 9\nnumber = 7\n");
        Write("models/cnn/aliases/00000000000000000000000000000003.toml",
            "schema = 1\nid = \"00000000000000000000000000000003\"\nmodel = \"cnn\"\nalias = \"prod\"\nversion_entry = \"ffffffffffffffffffffffffffffffff\"\nversion = 1\nassigned_at = 2026-01-01T00:00:00Z\nclock = 5\n");
        ProcessRunner.Run("git", ["add", "-A"], work, _repo.Environment);
        ProcessRunner.Run("git", ["commit", "-q", "-m", "hostile"], work, _repo.Environment);
        _repo.Git("worktree", "remove", "--force", work);

        var result = GitTrackProcess.Run(_repo, "model", "ls");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("cnn", result.Stdout);
        Assert.DoesNotContain("bad name", result.Stdout);
        Assert.Contains("skipped models/bad name/versions/0123456789abcdef0123456789abcdef.toml: not a registry entry", result.Stderr);
        Assert.Contains("skipped models/cnn/versions/not-an-id.toml", result.Stderr);
        Assert.Contains("00000000000000000000000000000001.toml: not valid TOML", result.Stderr);
        Assert.Contains("00000000000000000000000000000002.toml: artifact path '../../etc/passwd'", result.Stderr);
        Assert.Contains("alias prod names version entry ffffffffffffffffffffffffffffffff", result.Stderr);
        var model = Json(GitTrackProcess.Run(_repo, "model", "show", "cnn", "--json"));
        Assert.Single(model.GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public void Best_per_param_gives_the_best_run_of_each_family()
    {
        foreach (var (family, loss) in new[] { ("cnn", 0.4), ("cnn", 0.2), ("rnn", 0.5), ("rnn", 0.6), ("mlp", 0.9) })
            RunSeeder.Add(_repo, r => r with
            {
                Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["family"] = family },
                Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dataset"] = family == "mlp" ? "b" : "a" },
                Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = loss },
            });
        var groups = Json(GitTrackProcess.Run(_repo, "best", "--metric", "loss", "--per", "family", "--json")).EnumerateArray().ToList();
        Assert.Equal(["cnn", "rnn", "mlp"], groups.Select(g => g.GetProperty("value").GetString()));
        Assert.All(groups, g => Assert.Equal("params.family", g.GetProperty("per").GetString()));
        Assert.Equal([0.2, 0.5, 0.9], groups.Select(g => Assert.Single(g.GetProperty("runs").EnumerateArray()).GetProperty("metrics").GetProperty("loss").GetDouble()));
        var byTag = Json(GitTrackProcess.Run(_repo, "best", "--metric", "loss", "--per", "tags.dataset", "--top", "2", "--json")).EnumerateArray().ToList();
        Assert.Equal(["a", "b"], byTag.Select(g => g.GetProperty("value").GetString()));
        Assert.Equal(2, byTag[0].GetProperty("runs").GetArrayLength());
        var table = Ok(GitTrackProcess.Run(_repo, "best", "--metric", "loss", "--per", "family")).Stdout;
        Assert.StartsWith("params.family", table);
        Assert.Contains("per params.family, 3 groups of 5 matching runs", GitTrackProcess.Run(_repo, "best", "--metric", "loss", "--per", "family").Stderr);
    }

    [Fact]
    public async Task The_web_UI_serves_the_models_with_their_runs_metrics()
    {
        var run = Record(_repo, "base", "weights", 0.3);
        Ok(GitTrackProcess.Run(_repo, "model", "register", "cnn", run));
        Ok(GitTrackProcess.Run(_repo, "model", "alias", "cnn", "1", "champion"));
        using var ui = new UiProcess(_repo);
        using var doc = JsonDocument.Parse(await ui.Client.GetStringAsync("/api/models"));
        var model = Assert.Single(doc.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("cnn", model.GetProperty("name").GetString());
        var version = Assert.Single(model.GetProperty("versions").EnumerateArray());
        Assert.Equal(["champion"], version.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(0.3, version.GetProperty("run").GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.Empty(doc.RootElement.GetProperty("skipped").EnumerateArray());
    }
}
