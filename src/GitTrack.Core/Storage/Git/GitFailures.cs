using GitTrack.Core.Errors;
using LibGit2Sharp;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// Turns what libgit2 throws into GitTrack's own errors, once, at the storage port: a user sees what failed and
/// what to do, never "LibGit2SharpException: no error".
/// </summary>
internal static class GitFailures
{
    /// <summary>The GitTrack error for <paramref name="exception"/> thrown while <paramref name="doing"/> (e.g. "writing a commit").</summary>
    public static Exception Translate(Exception exception, string doing, string gitDir)
    {
        var message = FirstLine(exception.Message);
        return exception switch
        {
            GitTrackException known => known,
            LockedFileException => new ConflictException($"git could not lock a file while {doing}: {message}",
                $"another git command holds it; wait for it to finish, or delete a stale '.lock' file in {gitDir}"),
            LibGit2Sharp.NotFoundException => new CorruptDataException($"a git object is missing while {doing}: {message}",
                "the repository may have been pruned or damaged; check it with 'git fsck'"),
            InvalidSpecificationException => new CorruptDataException($"git rejected what it read while {doing}: {message}",
                "check the repository with 'git fsck'"),
            LibGit2SharpException or IOException or UnauthorizedAccessException => Fault(message, doing, gitDir, exception),
            _ => exception,
        };
    }

    private static StorageFaultException Fault(string message, string doing, string gitDir, Exception inner)
    {
        var space = IsNoSpace(inner) || message.Contains("space", StringComparison.OrdinalIgnoreCase);
        // libgit2 sometimes reports an I/O error as "no error" (its errno was lost): say what we know.
        if (message is "" or "no error")
            message = space ? "no space left on device" : "an input/output error (libgit2 gave no detail)";
        var hint = space
            ? $"free space on the disk holding {gitDir}, then try again"
            : $"check free space and the permissions of {gitDir}, then try again";
        return new StorageFaultException($"git could not complete {doing}: {message}", hint, inner);
    }

    /// <summary>True when an I/O error is ENOSPC (28) or EDQUOT (122).</summary>
    public static bool IsNoSpace(Exception exception) =>
        exception is IOException io && (io.HResult & 0xFFFF) is 28 or 122
        || exception.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
        || exception.Message.Contains("Disk quota", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();
}
