using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>How the real gittrack process behaves before any command does real work.</summary>
public class CliBasicsTests
{
    [Fact]
    public void Version_prints_the_tool_name_and_exits_zero()
    {
        using var repo = new TempGitRepo();
        var result = GitTrackProcess.Run(repo, "version");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("gittrack ", result.Stdout);
    }

    [Fact]
    public void Unknown_command_is_one_line_on_stderr_with_exit_2()
    {
        using var repo = new TempGitRepo();
        var result = GitTrackProcess.Run(repo, "frobnicate");
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: ", line);
        Assert.Contains("frobnicate", line);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
