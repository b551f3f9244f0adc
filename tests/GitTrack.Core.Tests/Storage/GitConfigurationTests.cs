using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

/// <summary>
/// The configuration files the runs store reads are the ones git reads, named from the environment as git names
/// them, so the native gittrack (where LibGit2Sharp's own search finds nothing) signs runs with the user's identity.
/// </summary>
public sealed class GitConfigurationTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly string _home;

    public GitConfigurationTests()
    {
        _home = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "other-home");
        Directory.CreateDirectory(_home);
    }

    public void Dispose() => _repo.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Home_alone_names_gitconfig_the_xdg_file_and_etc_gitconfig()
    {
        var (global, xdg, system) = GitConfiguration.Files(Env(("HOME", "/home/ada")));

        Assert.Equal("/home/ada/.gitconfig", global);
        Assert.Equal("/home/ada/.config/git/config", xdg);
        Assert.Equal("/etc/gitconfig", system);
    }

    [Fact]
    public void Git_config_variables_move_or_remove_each_level_as_in_git()
    {
        var (global, xdg, system) = GitConfiguration.Files(Env(("HOME", "/home/ada"), ("GIT_CONFIG_GLOBAL", "/cfg/global"),
            ("XDG_CONFIG_HOME", "/xdg"), ("GIT_CONFIG_SYSTEM", "/cfg/system")));
        Assert.Equal("/cfg/global", global);
        Assert.False(File.Exists(xdg)); // GIT_CONFIG_GLOBAL replaces both per-user files
        Assert.Equal("/cfg/system", system);

        var withXdg = GitConfiguration.Files(Env(("HOME", "/home/ada"), ("XDG_CONFIG_HOME", "/xdg"), ("GIT_CONFIG_NOSYSTEM", "true")));
        Assert.Equal("/xdg/git/config", withXdg.Xdg);
        Assert.False(File.Exists(withXdg.System));

        var noHome = GitConfiguration.Files(Env());
        Assert.False(File.Exists(noHome.Global));
        Assert.False(File.Exists(noHome.Xdg));
    }

    [Fact]
    public void The_identity_and_runs_branch_come_from_the_xdg_file_when_only_it_has_them()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".config", "git"));
        File.WriteAllText(Path.Combine(_home, ".config", "git", "config"),
            "[user]\n\tname = Xdg Person\n\temail = xdg@example.com\n[gittrack]\n\tbranch = team/runs\n");

        using var configuration = GitConfiguration.Open(GitDirectories.Discover(_repo.Root), Env(("HOME", _home), ("GIT_CONFIG_NOSYSTEM", "1")));

        var signature = configuration.BuildSignature(DateTimeOffset.UnixEpoch);
        Assert.NotNull(signature);
        Assert.Equal("Xdg Person", signature.Name);
        Assert.Equal("xdg@example.com", signature.Email);
        Assert.Equal("team/runs", configuration.Get<string>("gittrack.branch")?.Value);
    }

    [Fact]
    public void The_repository_file_overrides_the_per_user_ones()
    {
        File.WriteAllText(Path.Combine(_home, ".gitconfig"), "[user]\n\tname = Global Person\n\temail = global@example.com\n");
        _repo.Git("config", "user.name", "Local Person");

        using var configuration = GitConfiguration.Open(GitDirectories.Discover(_repo.Root), Env(("HOME", _home), ("GIT_CONFIG_NOSYSTEM", "1")));

        var signature = configuration.BuildSignature(DateTimeOffset.UnixEpoch);
        Assert.Equal("Local Person", signature?.Name);
        Assert.Equal("global@example.com", signature?.Email);
    }
}
