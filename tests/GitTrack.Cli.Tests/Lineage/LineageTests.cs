using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Lineage;

/// <summary>
/// Which run made which data (<c>gittrack lineage</c>), and <c>gittrack rerun</c>'s checks of inputs and packages
/// before it starts, through the real process.
/// </summary>
public sealed class LineageTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public LineageTests()
    {
        _repo.WriteFile(".gitignore", "data/\nmodel.bin\n");
        _repo.Commit("ignore data");
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gt(params string[] args) => GitTrackProcess.RunWith(_repo, FakeEnvironments.Neutral, args);

    [Fact]
    public void A_run_that_read_another_runs_artifact_is_linked_to_it_both_ways()
    {
        _repo.WriteFile("data/train.csv", "x\n1\n");
        Assert.Equal(0, Gt("run", "-n", "prep", "--input", "data/train.csv", "-a", "model.bin", "--", "bash", "-c", "cat data/train.csv data/train.csv > model.bin").ExitCode);
        Assert.Equal(0, Gt("run", "-n", "finetune", "--input", "model.bin", "-a", "model.bin", "--", "bash", "-c", "echo more >> model.bin").ExitCode);
        Assert.Equal(0, Gt("run", "-n", "eval", "--input", "model.bin", "--", "true").ExitCode);

        var up = Gt("lineage", "eval");
        var down = Gt("lineage", "prep", "--down");
        var json = Gt("lineage", "eval", "--json");
        var none = Gt("lineage", "prep", "--down", "--json");

        Assert.True(up.ExitCode == 0, up.Stderr);
        var lines = up.Stdout.Split('\n');
        Assert.StartsWith("eval (", lines[0]);
        Assert.Contains("  input model.bin", lines[1]);
        Assert.Contains("<- artifact model.bin of finetune (", lines[2]);
        Assert.Contains("input model.bin", lines[3]);
        Assert.Contains("<- artifact model.bin of prep (", lines[4]);
        Assert.Contains("input data/train.csv", lines[5]);
        Assert.Contains("-> input model.bin of finetune (", down.Stdout);
        Assert.Contains("-> input model.bin of eval (", down.Stdout);
        var from = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("inputs")[0].GetProperty("from")[0];
        Assert.Equal("finetune", from.GetProperty("run").GetProperty("name").GetString());
        Assert.Equal("prep", from.GetProperty("run").GetProperty("inputs")[0].GetProperty("from")[0].GetProperty("run").GetProperty("name").GetString());
        Assert.Equal(0, none.ExitCode);
    }

    [Fact]
    public void Rerun_says_which_input_changed_and_strict_refuses_to_start()
    {
        _repo.WriteFile("data/train.csv", "v1\n");
        Assert.Equal(0, Gt("run", "-n", "trained", "--input", "data/train.csv", "--", "cat", "data/train.csv").ExitCode);
        _repo.WriteFile("data/train.csv", "v2\n");

        var strict = Gt("rerun", "trained", "--strict");
        var runsAfterStrict = RunsOnBranch.Ids(_repo).Count;
        var loose = Gt("rerun", "trained");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("input data/train.csv changed since trained", strict.Stderr);
        Assert.Contains("not rerunning trained", strict.Stderr);
        Assert.Equal(1, runsAfterStrict);
        Assert.True(loose.ExitCode == 0, loose.Stderr);
        Assert.Contains("input data/train.csv changed since trained", loose.Stderr);
        Assert.Contains("~ data/train.csv", loose.Stdout); // the diff after the rerun
    }

    [Fact]
    public void Rerun_puts_a_stored_input_back_when_it_is_gone()
    {
        _repo.WriteFile("data/train.csv", "v1\n");
        Assert.Equal(0, Gt("run", "-n", "trained", "--input", "data/train.csv", "--store", "--", "cat", "data/train.csv").ExitCode);
        File.Delete(_repo.PathOf("data/train.csv"));

        var rerun = Gt("rerun", "trained", "--strict");

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("input data/train.csv put back from the artifact cache", rerun.Stderr);
        Assert.DoesNotContain("~ data/train.csv", rerun.Stdout);
    }

    [Fact]
    public void Rerun_puts_back_a_stored_input_that_differs_in_its_checkout()
    {
        // The script changes a tracked file and then says it reads it: the snapshot (taken at the start) holds the
        // old content, the recorded and stored input the new one.
        _repo.WriteFile("config/data.txt", "v1\n");
        _repo.Commit("add data");
        _repo.WriteFile("prep.sh", "echo v2 > config/data.txt\necho '{\"type\":\"input\",\"path\":\"config/data.txt\",\"store\":true}' >> \"$GITTRACK_EVENTS\"\n");
        _repo.Commit("add prep.sh");
        Assert.Equal(0, Gt("run", "-n", "prep", "--", "sh", "prep.sh").ExitCode);
        _repo.WriteFile("config/data.txt", "v3\n"); // the user's copy moved on
        var worktree = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "rerun-tree");

        var rerun = Gt("rerun", "prep", "--strict", "--worktree", worktree);

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Matches("input config/data.txt was [0-9a-f]{12}, put back from the artifact cache", rerun.Stderr);
        Assert.Equal("v2\n", File.ReadAllText(Path.Combine(worktree, "config", "data.txt")));
        Assert.Equal("v3\n", File.ReadAllText(_repo.PathOf("config/data.txt"))); // the user's work tree is not touched
    }

    [Fact]
    public void Rerun_fetches_a_stored_folder_input_from_the_artifacts_remote_when_the_cache_lost_it()
    {
        var remote = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "team-cache");
        Directory.CreateDirectory(remote);
        _repo.Git("config", "gittrack.artifacts", remote);
        _repo.WriteFile("data/a.csv", "a\n1\n");
        _repo.WriteFile("data/sub/b.csv", "b\n2\n");
        Assert.Equal(0, Gt("run", "-n", "trained", "--input", "data", "--store", "--", "cat", "data/a.csv", "data/sub/b.csv").ExitCode);
        var push = Gt("cache", "push", "trained");
        Assert.True(push.ExitCode == 0, push.Stderr);
        // This clone loses its cache and the data: only the team's remote has them.
        Directory.Delete(Path.Combine(_repo.Root, ".git", "gittrack", "objects"), recursive: true);
        Directory.Delete(_repo.PathOf("data"), recursive: true);

        var rerun = Gt("rerun", "trained", "--strict", "--keep");

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("input data put back from the artifact cache", rerun.Stderr);
        Assert.DoesNotContain("~ data", rerun.Stdout);
        var kept = System.Text.RegularExpressions.Regex.Match(rerun.Stderr, "worktree stays at (\\S+) ").Groups[1].Value;
        Assert.Equal("b\n2\n", File.ReadAllText(Path.Combine(kept, "data", "sub", "b.csv")));
        Assert.False(Directory.Exists(_repo.PathOf("data")));
    }

    [Fact]
    public void Gc_keeps_the_files_of_a_stored_folder_input_so_rerun_can_put_it_back()
    {
        _repo.WriteFile("data/a.csv", "a\n1\n");
        _repo.WriteFile("data/sub/b.csv", "b\n2\n");
        Assert.Equal(0, Gt("run", "-n", "trained", "--input", "data", "--store", "--", "true").ExitCode);
        Directory.Delete(_repo.PathOf("data"), recursive: true);

        var gc = Gt("gc", "--grace", "0");
        var rerun = Gt("rerun", "trained", "--strict", "--keep");

        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("input data put back from the artifact cache", rerun.Stderr);
    }

    [Fact]
    public void Rerun_says_which_packages_differ_from_the_recorded_environment()
    {
        var venv = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "venv");
        var site = FakeEnvironments.Venv(venv);
        FakeEnvironments.Distribution(site, "numpy", "1.26.4");
        var python = Path.Combine(venv, "bin", "python");
        Assert.Equal(0, Gt("run", "-n", "trained", "--", python, "-c", "pass").ExitCode);
        FakeEnvironments.Distribution(site, "numpy", "2.0.1");

        var strict = Gt("rerun", "trained", "--strict");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("1 package differ from what trained ran with", strict.Stderr);
        Assert.Contains("~ pip numpy 1.26.4 -> 2.0.1", strict.Stderr);
    }
}
