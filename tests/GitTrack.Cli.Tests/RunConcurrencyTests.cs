using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>Many real <c>gittrack run</c> processes recording into one repository at the same time.</summary>
public sealed class RunConcurrencyTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Sixteen_runs_started_at_once_all_land_with_distinct_names_and_fsck_is_clean()
    {
        const int count = 16;
        var processes = Enumerable.Range(0, count)
            .Select(i => GitTrackProcess.Start(_repo, null, "run", "-p", $"i={i}", "--", "bash", "-c",
                $"echo '{{\"type\":\"metric\",\"name\":\"i\",\"value\":{i}}}' >> \"$GITTRACK_EVENTS\"; sleep 0.2"))
            .ToList();
        try
        {
            var results = processes.Select(p => p.WaitForExit(TimeSpan.FromMinutes(4))).ToList();
            Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }

        var manifests = RunsOnBranch.Ids(_repo).Select(id => RunsOnBranch.Manifest(_repo, id)).ToList();
        Assert.Equal(count, manifests.Count);
        Assert.Equal(Enumerable.Range(1, count).Select(n => $"run_{n:D3}"),
            manifests.Select(m => m.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i),
            manifests.Select(m => m.GetProperty("params").GetProperty("i").GetInt64()).Order());
        Assert.All(manifests, m => Assert.Equal("completed", m.GetProperty("status").GetString()));
        Assert.All(manifests, m => Assert.Equal(m.GetProperty("params").GetProperty("i").GetInt64(), (long)m.GetProperty("metrics").GetProperty("i").GetDouble()));
        var fsck = ProcessRunner.Run("git", ["fsck", "--strict", "--no-progress"], _repo.Root, _repo.Environment);
        Assert.True(fsck.ExitCode == 0, fsck.Stdout + fsck.Stderr);
        Assert.DoesNotContain("error", fsck.Stderr, StringComparison.Ordinal);
        Assert.Equal(count * 2, RunsOnBranch.Subjects(_repo).Count(s => s.EndsWith(": started", StringComparison.Ordinal) || s.EndsWith(": completed", StringComparison.Ordinal)));
    }
}
