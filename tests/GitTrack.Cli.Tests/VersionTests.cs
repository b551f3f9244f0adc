using System.Text.RegularExpressions;
using GitTrack.Cli.Commands;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack version</c> and <c>gittrack --version</c>: one text, naming the commit the build came from.</summary>
public class VersionTests
{
    [Fact]
    public void Version_and_the_version_option_print_the_same_line_with_the_commit()
    {
        using var repo = new TempGitRepo();
        var command = GitTrackProcess.Run(repo, "version");
        var option = GitTrackProcess.Run(repo, "--version");
        Assert.Equal(0, command.ExitCode);
        Assert.Equal(0, option.ExitCode);
        Assert.Equal(command.Stdout, option.Stdout);
        Assert.Equal("", command.Stderr);

        var match = Regex.Match(command.Stdout, @"^gittrack (\d+\.\d+\.\d+\S*) \(commit ([0-9a-f]{40})\)\n$");
        Assert.True(match.Success, command.Stdout);
        // The commit is one of this source tree's (the build under test was made from it).
        var sourceRoot = SourceRoot();
        if (sourceRoot is not null && Path.Exists(Path.Combine(sourceRoot, ".git")))
        {
            var exists = ProcessRunner.Run("git", ["cat-file", "-e", match.Groups[2].Value + "^{commit}"], sourceRoot);
            Assert.True(exists.ExitCode == 0, $"commit {match.Groups[2].Value} is not in {sourceRoot}: {exists.Stderr}");
        }
    }

    [Theory]
    [InlineData("0.1.0+c2955e0a4374b8d3566b25ca899cdbec6b5e7e3c", "gittrack 0.1.0 (commit c2955e0a4374b8d3566b25ca899cdbec6b5e7e3c)")]
    [InlineData("0.1.0", "gittrack 0.1.0 (built outside a git checkout: no commit recorded)")]
    [InlineData(null, "gittrack 0.0.0 (built outside a git checkout: no commit recorded)")]
    public void A_build_without_a_commit_says_so(string? informationalVersion, string expected) =>
        Assert.Equal(expected, VersionCommand.Text(informationalVersion));

    private static string? SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                return dir.FullName;
        return null;
    }
}
