using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

/// <summary>
/// The settings a recorder reads in one git process give what asking git for each one gives: the branch, and the
/// committer identity as <c>git var GIT_COMMITTER_IDENT</c> cleans it (git itself is the oracle here).
/// </summary>
public sealed class RecorderSettingsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private GitDirectories Directories => GitDirectories.Discover(_repo.Root);

    [Theory]
    [InlineData("user.name=Ada Lovelace", "user.email=ada@example.com")]
    [InlineData("user.name= .Ada <Lovelace>, ", "user.email=<ada@example.com>")]
    [InlineData("user.name=Zoë van Ölund", "user.email=z@example.org", "committer.name=The Committer", "committer.email=c@example.org")]
    [InlineData("user.name=First", "user.name=Second", "user.email=a@b")]
    public void The_identity_is_the_one_git_commits_with(params string[] settings)
    {
        foreach (var setting in settings)
        {
            var parts = setting.Split('=', 2);
            _repo.Git("config", "--add", parts[0], parts[1]);
        }

        var read = RecorderSettings.Read(Directories);

        Assert.NotNull(read.Identity);
        Assert.Equal(GitSettings.Identity(Directories), read.Identity);
    }

    [Fact]
    public void Without_an_email_in_the_settings_git_is_left_to_decide()
    {
        _repo.Git("config", "user.name", "Ada");
        _repo.Git("config", "user.email", "");

        Assert.Null(RecorderSettings.Read(Directories).Identity);
    }

    [Fact]
    public void The_branch_and_the_snapshot_settings_are_the_ones_git_config_gives()
    {
        _repo.Git("config", "gittrack.branch", "team/runs");
        _repo.Git("config", "gittrack.secretFiles", "*.key");
        _repo.Git("config", "remote.origin.url", "https://example.com/r.git");

        var read = RecorderSettings.Read(Directories);

        Assert.Equal(GitSettings.Get(Directories, "gittrack.branch"), read.Last("gittrack.branch"));
        Assert.Null(read.Last("gittrack.mlflow"));
        Assert.Contains(new KeyValuePair<string, string>("gittrack.secretfiles", "*.key"), read.Values);
        Assert.Contains(new KeyValuePair<string, string>("remote.origin.url", "https://example.com/r.git"), read.Values);
    }

    [Fact]
    public void A_broken_configuration_file_is_one_clear_error()
    {
        File.AppendAllText(_repo.PathOf(".git/config"), "[broken\n");

        var error = Assert.Throws<GitTrack.Core.Errors.InvalidInputException>(() => RecorderSettings.Read(Directories));
        Assert.Contains("git cannot read its configuration", error.Message, StringComparison.Ordinal);
    }
}
