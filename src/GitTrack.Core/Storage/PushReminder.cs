using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// Behind the pre-push hook: when a push to a remote leaves out the runs branch while the remote's copy of it is
/// missing or behind, says how to push the runs too. Never blocks a push and never pushes by itself.
/// </summary>
public static class PushReminder
{
    /// <summary>
    /// The reminder for a push to <paramref name="remote"/> of <paramref name="pushedRefs"/> (the local refs git
    /// passes the hook on standard input), or null when the runs are already there or nothing needs saying.
    /// </summary>
    public static string? Check(GitDirectories directories, string remote, IEnumerable<string> pushedRefs)
    {
        var configured = GitRepository.ConfigValue(directories, RunsBranch.ConfigKey)?.Trim();
        var branch = configured is { Length: > 0 } ? RunsBranch.Parse(configured) : RunsBranch.Default;
        if (pushedRefs.Contains(branch.RefName, StringComparer.Ordinal))
            return null;
        if (GitRepository.ResolveRevision(directories, branch.RefName) is not { } local)
            return null; // no runs recorded here yet
        if (GitRepository.ResolveRevision(directories, $"refs/remotes/{remote}/{branch.Name}") == local)
            return null;
        return $"runs recorded here are not on '{remote}' yet (to share them: gittrack push {remote})";
    }
}
