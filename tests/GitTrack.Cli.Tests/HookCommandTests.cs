using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>The pre-push hook shim: reminds to push the runs branch, never blocks a push.</summary>
public class HookCommandTests
{
    private static string ShimPath => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "hooks", "pre-push"));

    [Fact]
    public void Pre_push_without_runs_branch_is_silent_and_exits_zero()
    {
        using var repo = new TempGitRepo();
        var result = GitTrackProcess.Run(repo, "hook", "pre-push", "origin", "https://example.com/x.git");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Pre_push_reminds_when_runs_are_not_on_the_remote()
    {
        using var repo = new TempGitRepo();
        Assert.Equal(0, GitTrackProcess.Run(repo, "run", "--", "true").ExitCode);
        var result = GitTrackProcess.Run(repo, "hook", "pre-push", "origin", "https://example.com/x.git");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("git push origin gittrack/runs", result.Stderr);
    }

    [Fact]
    public void Runs_travel_with_git_push_of_the_runs_branch_and_the_hook_shim_is_shipped()
    {
        using var repo = new TempGitRepo();
        using var remote = new TempGitRepo(withCommit: false);
        remote.Git("config", "receive.denyCurrentBranch", "ignore");
        Assert.Equal(0, GitTrackProcess.Run(repo, "run", "--", "true").ExitCode);
        repo.Git("remote", "add", "origin", remote.Root);
        repo.Git("push", "-q", "origin", "main", "gittrack/runs");
        var remoteTip = remote.Git("rev-parse", "gittrack/runs").Trim();
        Assert.Equal(repo.Git("rev-parse", "gittrack/runs").Trim(), remoteTip);
        Assert.True(File.Exists(ShimPath), $"hook shim missing at {ShimPath}");
    }

    [Fact]
    public void Outside_a_repository_the_hook_exits_zero()
    {
        var folder = Directory.CreateTempSubdirectory("gittrack-nohook-");
        try
        {
            var result = GitTrackProcess.RunIn(folder.FullName, new Dictionary<string, string>(), "hook", "pre-push", "origin", "x");
            Assert.Equal(0, result.ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
