using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

/// <summary>The runs store's settings and identity come from git itself, with every file and rule git applies.</summary>
public sealed class GitSettingsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData("Ada Lovelace <ada@example.com> 1767225600 +0000", "Ada Lovelace", "ada@example.com")]
    [InlineData("a <b> 0 -0130", "a", "b")]
    [InlineData("Zoë van Ölund <z@example.org> 1767225600 +0100", "Zoë van Ölund", "z@example.org")]
    [InlineData(" <x@y> 1 +0000", null, null)]
    [InlineData("no identity here", null, null)]
    public void Git_identity_lines_are_split_into_name_and_email(string line, string? name, string? email)
    {
        var identity = GitSettings.ParseIdentity(line);

        Assert.Equal(name, identity?.Name);
        Assert.Equal(email, identity?.Email);
    }

    [Fact]
    public void A_setting_is_read_from_the_repository_as_git_reads_it_and_an_unset_one_is_null()
    {
        var directories = GitDirectories.Discover(_repo.Root);
        // Tests get their environment from TempGitRepo; this process reads the repository's own file here.
        _repo.Git("config", "gittrack.branch", "team/runs");

        Assert.Equal("team/runs", GitSettings.Get(directories, "gittrack.branch"));
        Assert.Null(GitSettings.Get(directories, "gittrack.no-such-setting"));
    }

    [Fact]
    public void A_broken_configuration_file_is_one_clear_error()
    {
        var directories = GitDirectories.Discover(_repo.Root);
        File.AppendAllText(_repo.PathOf(".git/config"), "[broken\n");

        var error = Assert.Throws<GitTrack.Core.Errors.InvalidInputException>(() => GitSettings.Get(directories, "gittrack.branch"));
        Assert.Contains("git cannot read its configuration", error.Message, StringComparison.Ordinal);
    }
}
