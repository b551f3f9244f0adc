using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

/// <summary>
/// The local index after a pull that brought many runs is updated, not rebuilt: only the new runs' folders are read
/// from the branch (counted by the index), whether the pull fast-forwarded or merged with local runs.
/// </summary>
public sealed class IndexAfterPullTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _team = new();
    private readonly TempGitRepo _mine;
    private readonly string _tree;

    public IndexAfterPullTests()
    {
        var origin = _team.CreateBareOrigin();
        _mine = TempGitRepo.CloneOf(origin);
        _tree = _team.Git("rev-parse", "HEAD^{tree}").Trim();
    }

    public void Dispose()
    {
        _mine.Dispose();
        _team.Dispose();
    }

    private static RunStore Open(TempGitRepo repo) => RunStore.Open(GitDirectories.Discover(repo.Root), new CrashDetector("this-host", "this-boot"));

    private void TeamRecords(int count, int from)
    {
        using var team = Open(_team);
        for (var i = 0; i < count; i++)
            team.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(from + i), status: RunStatus.Completed));
        RunSync.Push(team, "origin");
    }

    private static void Pull(TempGitRepo repo)
    {
        using var store = Open(repo);
        RunSync.Pull(store, "origin");
    }

    [Fact]
    public void A_pull_that_brought_runs_makes_the_next_listing_read_only_those()
    {
        TeamRecords(30, 0);
        Pull(_mine);
        using (var first = Open(_mine))
        {
            Assert.Equal(30, first.List().Count);
            Assert.Equal(30, first.RunsReadFromBranches); // no index yet: every run once
        }
        using (var warm = Open(_mine))
        {
            Assert.Equal(30, warm.List().Count);
            Assert.Equal(0, warm.RunsReadFromBranches);
        }

        TeamRecords(20, 100);
        Pull(_mine); // a fast-forward
        using (var afterPull = Open(_mine))
        {
            Assert.Equal(50, afterPull.List().Count);
            Assert.Equal(20, afterPull.RunsReadFromBranches);
        }

        using (var local = Open(_mine))
        {
            local.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(500), status: RunStatus.Completed));
            Assert.Equal(51, local.List().Count);
        }
        TeamRecords(25, 200);
        Pull(_mine); // a merge with the local run
        using var afterMerge = Open(_mine);
        Assert.Equal(76, afterMerge.List().Count);
        Assert.Equal(25, afterMerge.RunsReadFromBranches);
    }
}
