using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Watch;

/// <summary><c>gittrack watch</c> without a terminal (its output piped): one plain snapshot, exit 0, no escape sequences.</summary>
public sealed class WatchSnapshotTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Piped_it_prints_one_snapshot_of_the_running_runs_and_exits()
    {
        _repo.WriteFile("slow.sh", """
            #!/bin/sh
            echo '{"type":"metric","name":"loss","value":0.75,"step":7}' >> "$GITTRACK_EVENTS"
            echo "epoch 1 done"
            sleep 600
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add slow.sh");
        using var run = GitTrackProcess.Start(_repo, new Dictionary<string, string> { ["GITTRACK_SYSTEM_SECONDS"] = "0.5", ["GITTRACK_CHECKPOINT_SECONDS"] = "0.5" },
            "run", "-n", "slow", "--", "sh", "slow.sh");
        ProcessResult result = null!;
        BackgroundProcess.WaitUntil(() =>
        {
            result = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["TERM"] = "dumb" }, "watch");
            return result.Stdout.Contains("loss 0.75", StringComparison.Ordinal) && result.Stdout.Contains("system · slow", StringComparison.Ordinal)
                && result.Stdout.Contains("epoch 1 done", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(120), "a snapshot with the run's loss, its system metrics and its log");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("== running runs ==", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 7", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("CPU", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Stdout);
    }

    [Fact]
    public void A_named_run_that_ended_shows_its_stored_log()
    {
        TrainingScript.AddTo(_repo);
        TrainingScript.Run(_repo, "done", lr: 0.5, points: 30);

        var result = GitTrackProcess.Run(_repo, "watch", "done");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("== runs ==", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("completed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 29", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("== done · loss (1/", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("trained with lr=0.5", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_running_shows_this_machine()
    {
        var result = GitTrackProcess.Run(_repo, "watch");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("no run is running", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("system · this machine", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Mem", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nosuchrun")]
    [InlineData("--filter", "params.lr <")]
    [InlineData("--refresh", "0")]
    public void Bad_arguments_are_usage_errors(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, ["watch", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("gittrack: ", result.Stderr, StringComparison.Ordinal);
    }
}
