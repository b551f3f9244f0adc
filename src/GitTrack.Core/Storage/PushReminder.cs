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
        var configured = GitCli.Run(directories.WorkTree, null, "config", "--get", RunsBranch.ConfigKey);
        var branch = configured.ExitCode == 0 && configured.Stdout.Trim().Length > 0
            ? RunsBranch.Parse(configured.Stdout.Trim())
            : RunsBranch.Default;
        if (pushedRefs.Contains(branch.RefName, StringComparer.Ordinal))
            return null;
        var local = GitCli.Run(directories.WorkTree, null, "rev-parse", "--verify", "-q", branch.RefName);
        if (local.ExitCode != 0)
            return null; // no runs recorded here yet
        var remoteTracking = GitCli.Run(directories.WorkTree, null, "rev-parse", "--verify", "-q", $"refs/remotes/{remote}/{branch.Name}");
        if (remoteTracking.ExitCode == 0 && remoteTracking.Stdout.Trim() == local.Stdout.Trim())
            return null;
        return $"runs recorded here are not on '{remote}' yet (to share them: gittrack push {remote})";
    }
}
