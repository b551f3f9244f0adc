using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Checkpoints the real <c>gittrack run</c> keeps while its child runs: in the run's local folder, not as commits on
/// the shared branch (which gets "started" and the end only); after the interval when something was logged, at once
/// when a full history segment of points is unsaved; GITTRACK_CHECKPOINT_SECONDS. Reading commands show them.
/// </summary>
public sealed class RunCheckpointTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Marker(string name) => Path.Combine(Path.GetDirectoryName(_repo.Root)!, name);

    [Fact]
    public void Events_followed_by_silence_still_get_a_local_checkpoint_and_the_branch_gets_no_commit_for_it()
    {
        var done = Marker("done");
        var script = $"echo '{{\"type\":\"metric\",\"name\":\"m\",\"value\":1}}' >> \"$GITTRACK_EVENTS\"; echo > \"{done}\"; sleep 30";
        var environment = new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "0.5" };
        using var gittrack = GitTrackProcess.Start(_repo, environment, "run", "--", "bash", "-c", script);

        BackgroundProcess.WaitUntil(() => File.Exists(done), Patience, "the child to log");
        BackgroundProcess.WaitUntil(() => RunsOnBranch.Ids(_repo).Count == 1 &&
            RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo)).Count == 1, Patience, "a checkpoint shown by a reader");
        var id = RunsOnBranch.SingleId(_repo);
        var show = GitTrackProcess.Run(_repo, "show", id, "--json");
        Assert.Contains("\"m\": 1", show.Stdout, StringComparison.Ordinal);
        Assert.Equal([$"run run_001 ({id[..8]}): started"], RunsOnBranch.Subjects(_repo));
        Assert.True(File.Exists(Path.Combine(_repo.Root, ".git", "gittrack", "active", id, "checkpoint.toml")));
        gittrack.Signal("TERM");
        var result = gittrack.WaitForExit(Patience);

        Assert.Equal(143, result.ExitCode);
        Assert.Equal(1.0, Assert.Single(RunsOnBranch.History(_repo, id)).Value);
        Assert.Equal([$"run run_001 ({id[..8]}): killed", $"run run_001 ({id[..8]}): started"], RunsOnBranch.Subjects(_repo));
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".git", "gittrack", "active", id)));
    }

    [Fact]
    public void A_full_segment_of_points_is_saved_at_once_whatever_the_interval()
    {
        var done = Marker("done");
        _repo.WriteFile("points.py", """
            import os, sys
            with open(os.environ["GITTRACK_EVENTS"], "a") as f:
                f.write("".join('{"type":"metric","name":"x","value":%d,"step":%d}\n' % (i, i) for i in range(70000)))
            open(sys.argv[1], "w").close()
            """);
        var environment = new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "3600" };
        using var gittrack = GitTrackProcess.Start(_repo, environment, "run", "--", "bash", "-c", $"python3 points.py \"{done}\" && exec sleep 60");

        BackgroundProcess.WaitUntil(() => File.Exists(done), Patience, "the child to log");
        BackgroundProcess.WaitUntil(() => RunsOnBranch.Ids(_repo).Count == 1 &&
            RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo)).Count >= 65_536, Patience, "a checkpoint");
        var id = RunsOnBranch.SingleId(_repo);
        var atCheckpoint = RunsOnBranch.History(_repo, id);
        gittrack.Signal("TERM");
        gittrack.WaitForExit(Patience);

        Assert.True(atCheckpoint.Count >= 65_536, $"{atCheckpoint.Count} points at the checkpoint");
        Assert.Equal(Enumerable.Range(0, 70_000).Select(i => (long)i), RunsOnBranch.History(_repo, id).Select(p => p.Step!.Value));
    }

    [Fact]
    public void An_invalid_checkpoint_interval_is_one_line_and_exit_2()
    {
        var result = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "soon" }, "run", "--", "true");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GITTRACK_CHECKPOINT_SECONDS", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
