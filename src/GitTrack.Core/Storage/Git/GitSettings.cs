using System.Text.RegularExpressions;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// What git's own configuration says for the runs store, asked of git itself so that every file and rule git
/// applies counts: repository, per-user (~/.gitconfig, XDG) and system files, <c>include</c> and
/// <c>includeIf "gitdir:..."</c> (the usual way to keep a work and a personal email apart), and the
/// GIT_CONFIG_* and GIT_COMMITTER_* variables. libgit2 reads none of the conditional includes without a repository,
/// and LibGit2Sharp's search for the per-user files finds nothing in the native gittrack
/// (libgit2/libgit2sharp#2187).
/// </summary>
internal static partial class GitSettings
{
    /// <summary>The value of <paramref name="key"/>, or null when it is not set.</summary>
    public static string? Get(GitDirectories directories, string key)
    {
        var result = GitCli.Run(directories.WorkTree, Environment(directories), "config", "--get", key);
        return result.ExitCode switch
        {
            0 => result.Stdout.TrimEnd('\n', '\r'),
            1 => null,
            _ => throw new InvalidInputException($"git cannot read its configuration: {FirstLine(result.Stderr)}", "fix the file git names, then try again"),
        };
    }

    /// <summary>
    /// The name and email git would commit with here (<c>git var GIT_COMMITTER_IDENT</c>), or null when git has no
    /// usable identity (no user.email set and none it can guess).
    /// </summary>
    public static (string Name, string Email)? Identity(GitDirectories directories)
    {
        var result = GitCli.Run(directories.WorkTree, Environment(directories), "var", "GIT_COMMITTER_IDENT");
        if (result.ExitCode != 0)
            return null;
        return ParseIdentity(result.Stdout);
    }

    /// <summary>Splits git's <c>Name &lt;email&gt; seconds ±hhmm</c>; null when it is not that shape. Internal for tests.</summary>
    internal static (string Name, string Email)? ParseIdentity(string text)
    {
        var match = IdentityPattern().Match(text.Trim());
        if (!match.Success || match.Groups["name"].Value.Trim().Length == 0 || match.Groups["email"].Value.Length == 0)
            return null;
        return (match.Groups["name"].Value.Trim(), match.Groups["email"].Value);
    }

    private static Dictionary<string, string> Environment(GitDirectories directories) => GitRepository.EnvironmentFor(directories);

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();

    [GeneratedRegex(@"^(?<name>.*) <(?<email>[^<>]*)> -?[0-9]+ [+-][0-9]{4}$")]
    private static partial Regex IdentityPattern();
}
