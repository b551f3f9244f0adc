using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The real <c>gittrack run</c> process signalled or killed while its child runs: signals are passed on and the run
/// ends killed; a gittrack killed with SIGKILL leaves the run at its last checkpoint, shown as crashed.
/// </summary>
public sealed class RunSignalsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Marker(string name) => Path.Combine(Path.GetDirectoryName(_repo.Root)!, name);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void A_signal_to_gittrack_is_passed_to_the_child_and_the_run_ends_killed_with_the_childs_exit_code(string signal)
    {
        var ready = Marker("ready");
        var caught = Marker("caught");
        var script = $"trap 'echo {signal} > \"{caught}\"; exit 7' {signal}; echo up > \"{ready}\"; while true; do sleep 0.05; done";
        using var gittrack = GitTrackProcess.Start(_repo, null, ["run", "--", .. DefaultSignals.For("bash", "-c", script)]);

        BackgroundProcess.WaitUntil(() => File.Exists(ready), Patience, "the child to start");
        // The child is up; gittrack registered its handlers just after starting it. Leave it that instant.
        Thread.Sleep(300);
        gittrack.Signal(signal);
        var result = gittrack.WaitForExit(Patience);

        Assert.Equal(signal + "\n", File.ReadAllText(caught));
        Assert.Equal(7, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("killed", manifest.GetProperty("status").GetString());
        Assert.Equal(7, manifest.GetProperty("exit_code").GetInt32());
        Assert.Contains("killed", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signal_while_the_code_is_snapshotted_ends_the_run_killed_without_starting_the_command()
    {
        // Untracked data (under the snapshot's size cap) makes git's snapshot of the tree take a while.
        var random = new Random(3);
        for (var i = 0; i < 6; i++)
        {
            var data = new byte[9 << 20];
            random.NextBytes(data);
            _repo.WriteFile($"data/part{i}.bin", data);
        }
        var started = Marker("started");
        var scratch = _repo.PathOf(".git/gittrack/tmp");
        using var gittrack = GitTrackProcess.Start(_repo, null, "run", "--", "bash", "-c", $"echo up > \"{started}\"");

        // The snapshot's temporary index exists only while git adds the tree to it.
        BackgroundProcess.WaitUntil(() => Directory.Exists(scratch) && Directory.EnumerateFiles(scratch, "index-*").Any(), Patience, "the code snapshot to start");
        gittrack.Signal("TERM");
        var result = gittrack.WaitForExit(Patience);

        Assert.Equal(143, result.ExitCode);
        Assert.False(File.Exists(started), "the command ran although gittrack was interrupted before starting it");
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("killed", manifest.GetProperty("status").GetString());
        Assert.Equal(143, manifest.GetProperty("exit_code").GetInt32());
        Assert.Equal("interrupted by SIGTERM before the command started", manifest.GetProperty("error").GetString());
        Assert.Contains("killed", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_child_that_does_not_trap_the_signal_ends_with_128_plus_its_number()
    {
        var ready = Marker("ready");
        using var gittrack = GitTrackProcess.Start(_repo, null, ["run", "--", .. DefaultSignals.For("bash", "-c", $"echo up > \"{ready}\"; exec sleep 60")]);

        BackgroundProcess.WaitUntil(() => File.Exists(ready), Patience, "the child to start");
        Thread.Sleep(300);
        gittrack.Signal("TERM");
        var result = gittrack.WaitForExit(Patience);

        Assert.Equal(143, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("killed", manifest.GetProperty("status").GetString());
        Assert.Equal(143, manifest.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public void A_killed_gittrack_leaves_a_run_the_next_gittrack_commits_as_crashed_at_its_last_checkpoint()
    {
        var childPid = Marker("child.pid");
        // Logs a metric every 50 ms, for ever.
        var script = $"echo $$ > \"{childPid}\"; i=0; while true; do i=$((i+1)); echo \"{{\\\"type\\\":\\\"metric\\\",\\\"name\\\":\\\"loss\\\",\\\"value\\\":$i,\\\"step\\\":$i}}\" >> \"$GITTRACK_EVENTS\"; sleep 0.05; done";
        var environment = new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "0.5" };
        using var gittrack = GitTrackProcess.Start(_repo, environment, "run", "--name", "long", "--", "bash", "-c", script);
        try
        {
            BackgroundProcess.WaitUntil(() => RunsOnBranch.Ids(_repo).Count == 1 &&
                RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo)).Count >= 10,
                Patience, "checkpoints with ten points");
            gittrack.Signal("KILL");
            gittrack.WaitForExit(Patience);
        }
        finally
        {
            if (File.Exists(childPid))
                ProcessRunner.Run("kill", ["-s", "KILL", File.ReadAllText(childPid).Trim()], Path.GetTempPath());
        }

        // Until another gittrack runs, the branch holds the run as started.
        var id = RunsOnBranch.SingleId(_repo);
        Assert.Equal([$"run long ({id[..8]}): started"], RunsOnBranch.Subjects(_repo));
        Assert.Equal("running", RunsOnBranch.Manifest(_repo, id).GetProperty("status").GetString());

        // The next gittrack finds the run's folder unlocked and commits it as its last checkpoint held it.
        var ls = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("recorded it as crashed from its last checkpoint", ls.Stderr, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(ls.Stdout))
            Assert.Equal("crashed", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal([$"run long ({id[..8]}): crashed (recovered)", $"run long ({id[..8]}): started"], RunsOnBranch.Subjects(_repo));
        var manifest = RunsOnBranch.Manifest(_repo, id);
        Assert.Equal("crashed", manifest.GetProperty("status").GetString());
        Assert.True(manifest.TryGetProperty("ended_at", out _));
        Assert.True(manifest.TryGetProperty("log", out _), "the captured output is kept as the log");
        var history = RunsOnBranch.History(_repo, id);
        Assert.True(history.Count >= 10, $"{history.Count} points");
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(p => p.Step!.Value));
        Assert.Equal(history[^1].Value, manifest.GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".git", "gittrack", "active", id)));
        var show = GitTrackProcess.Run(_repo, "show", "long");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("crashed", show.Stdout, StringComparison.Ordinal);
    }
}
