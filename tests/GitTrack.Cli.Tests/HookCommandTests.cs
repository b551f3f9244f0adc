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
        Assert.Contains("gittrack push origin", result.Stderr);
    }

    [Fact]
    public void The_shim_reminds_on_git_push_and_with_gittrack_pushRuns_pushes_the_runs_itself()
    {
        using var repo = new TempGitRepo();
        var origin = repo.CreateBareOrigin("receive.denyNonFastForwards=true");
        Assert.Equal(0, GitTrackProcess.Run(repo, "run", "-n", "first", "--", "true").ExitCode);
        var hook = repo.PathOf(".git/hooks/pre-push");
        File.Copy(ShimPath, hook, overwrite: true);
        // gittrack on PATH, as the shim finds it: the build under test.
        var bin = Path.Combine(Path.GetDirectoryName(repo.Root)!, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "gittrack"), "#!/bin/sh\nexec " + string.Join(' ', GitTrackProcess.CommandLine.Select(a => $"'{a}'")) + " \"$@\"\n");
        ProcessRunner.Run("chmod", ["+x", hook, Path.Combine(bin, "gittrack")], repo.Root, repo.Environment);
        var environment = GitTrackProcess.Merge(repo.Environment, new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") });
        string RemoteRuns() => ProcessRunner.Run("git", ["--git-dir", origin, "ls-tree", "-r", "--name-only", "gittrack/runs"], repo.Root, repo.Environment).Stdout;

        repo.WriteFile("a.txt", "a");
        repo.Commit("a");
        var reminded = ProcessRunner.Run("git", ["push", "origin", "main"], repo.Root, environment);
        Assert.True(reminded.ExitCode == 0, reminded.Stderr);
        Assert.Contains("gittrack push origin", reminded.Stderr);
        Assert.DoesNotContain("manifest.toml", RemoteRuns());

        repo.Git("config", "gittrack.pushRuns", "true");
        repo.WriteFile("b.txt", "b");
        repo.Commit("b");
        var pushed = ProcessRunner.Run("git", ["push", "origin", "main"], repo.Root, environment);

        Assert.True(pushed.ExitCode == 0, pushed.Stderr);
        Assert.Contains("manifest.toml", RemoteRuns());
        Assert.Equal(repo.Git("rev-parse", "main").Trim(),
            ProcessRunner.Run("git", ["--git-dir", origin, "rev-parse", "main"], repo.Root, repo.Environment).Stdout.Trim());
        Assert.DoesNotContain("gittrack push origin)", pushed.Stderr);
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
