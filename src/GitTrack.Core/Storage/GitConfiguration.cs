using LibGit2Sharp;

namespace GitTrack.Core.Storage;

/// <summary>
/// A repository's git configuration as git itself reads it (repository, XDG, global and system files, named
/// explicitly), for the values the runs store needs: the user's identity and <c>gittrack.branch</c>. The files are
/// named here because LibGit2Sharp's own search for the per-user and system files finds nothing in the native
/// (ahead-of-time compiled) gittrack (libgit2/libgit2sharp#2187), which would sign runs as "gittrack" and miss
/// settings kept in ~/.gitconfig.
/// </summary>
internal static class GitConfiguration
{
    public static Configuration Open(GitDirectories directories) =>
        Open(directories, Environment.GetEnvironmentVariable);

    /// <summary>Internal for tests: the files come from <paramref name="environment"/> as git would read them.</summary>
    internal static Configuration Open(GitDirectories directories, Func<string, string?> environment)
    {
        var local = Path.Combine(directories.CommonDir, "config");
        if (OperatingSystem.IsWindows())
            return Configuration.BuildFrom(local); // LibGit2Sharp's own search; the native build is for Unix
        var (global, xdg, system) = Files(environment);
        return Configuration.BuildFrom(local, global, xdg, system);
    }

    /// <summary>
    /// The global, XDG and system files git reads. A path that does not exist reads as an empty file, which is how
    /// a level git would skip is named without falling back to LibGit2Sharp's search.
    /// </summary>
    internal static (string Global, string Xdg, string System) Files(Func<string, string?> environment)
    {
        var none = Path.Combine(Path.GetTempPath(), "gittrack-no-such-config", "config");
        var home = NonEmpty(environment("HOME"));
        var globalOverride = NonEmpty(environment("GIT_CONFIG_GLOBAL"));
        var xdgHome = NonEmpty(environment("XDG_CONFIG_HOME")) ?? (home is null ? null : Path.Combine(home, ".config"));
        var noSystem = environment("GIT_CONFIG_NOSYSTEM") is { } flag && IsTrue(flag);
        return (
            // GIT_CONFIG_GLOBAL replaces both per-user files, as in git 2.32 and later.
            Global: globalOverride ?? (home is null ? none : Path.Combine(home, ".gitconfig")),
            Xdg: globalOverride is not null || xdgHome is null ? none : Path.Combine(xdgHome, "git", "config"),
            System: noSystem ? none : NonEmpty(environment("GIT_CONFIG_SYSTEM")) ?? "/etc/gitconfig");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsTrue(string value) => value.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
