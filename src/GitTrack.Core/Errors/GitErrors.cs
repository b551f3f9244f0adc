using System.Text.RegularExpressions;

namespace GitTrack.Core.Errors;

/// <summary>
/// Turns what git, libgit2 (LibGit2Sharp) and the file system throw into the GitTrack error a user is shown, with a
/// message that names the file or object and a hint that says what to do: a held lock is a
/// <see cref="ConflictException"/>, a missing object a <see cref="CorruptDataException"/>, a folder that cannot be
/// written, a full disk or another git failure an <see cref="IOFaultException"/>. The edges (the CLI's error
/// reporter, the web API) call it on whatever reaches them; storage code may call it where it catches.
/// </summary>
public static partial class GitErrors
{
    private const int ENOSPC = 28, EROFS = 30, EDQUOT = 122;

    /// <summary>
    /// The GitTrack error for <paramref name="exception"/> (itself when it is one already), or null when it is none of
    /// the faults above: then it is a bug, reported as an internal error.
    /// </summary>
    public static GitTrackException? Translate(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case GitTrackException known:
                return known;
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return Translate(aggregate.InnerExceptions[0]);
            case LibGit2Sharp.LockedFileException locked:
                return Locked(PathIn(locked.Message), exception);
            case LibGit2Sharp.NotFoundException missing:
                return Missing(missing.Message, exception);
            case LibGit2Sharp.RepositoryNotFoundException:
                return new InvalidInputException($"not in a git repository: {OneLine(exception.Message)}",
                    "run gittrack inside a git work tree (git init makes one)", exception);
            case LibGit2Sharp.LibGit2SharpException git:
                return FromText(OneLine(git.Message), exception)
                    ?? new IOFaultException(IOFault.Other, $"git failed: {GitMessage(git.Message)}",
                        "check the repository with 'git fsck' and the disk it is on (df -h); GITTRACK_DEBUG=1 shows where it failed", exception);
            case GitCommandException command:
                return FromText(command.Stderr, exception)
                    ?? new IOFaultException(IOFault.Other,
                        $"git {command.Arguments.FirstOrDefault()} failed ({command.ExitCode}): {FirstLine(command.Stderr)}",
                        "check the repository with 'git status' and 'git fsck'; GITTRACK_DEBUG=1 shows the whole command", exception);
            case UnauthorizedAccessException:
                return NotWritable(PathIn(exception.Message), readOnlyFileSystem: false, exception);
            case IOException io:
                return (io.HResult & 0xFFFF) switch
                {
                    ENOSPC or EDQUOT => DiskFull(PathIn(io.Message), exception),
                    EROFS => NotWritable(PathIn(io.Message), readOnlyFileSystem: true, exception),
                    _ => FromText(OneLine(io.Message), exception)
                        ?? new IOFaultException(IOFault.Other, OneLine(io.Message), "check the path, its permissions and the disk it is on", exception),
                };
            default:
                return null;
        }
    }

    /// <summary>Recognises a fault by the words libgit2, git or the system use for it.</summary>
    private static GitTrackException? FromText(string text, Exception exception)
    {
        var path = PathIn(text);
        if (text.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase))
            return DiskFull(path, exception);
        if (text.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase))
            return NotWritable(path, readOnlyFileSystem: true, exception);
        if (text.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
            || text.Contains("insufficient permission", StringComparison.OrdinalIgnoreCase))
            return NotWritable(path, readOnlyFileSystem: false, exception);
        if (path is not null && path.EndsWith(".lock", StringComparison.Ordinal)
            && (text.Contains("File exists", StringComparison.OrdinalIgnoreCase) || text.Contains("failed to lock", StringComparison.OrdinalIgnoreCase)))
            return Locked(path, exception);
        if (text.Contains("object not found", StringComparison.OrdinalIgnoreCase)
            || text.Contains("bad object", StringComparison.OrdinalIgnoreCase)
            || (text.Contains("unable to read", StringComparison.OrdinalIgnoreCase) && ObjectId().IsMatch(text)))
            return Missing(text, exception);
        // libgit2 says "no error" when a write failed without telling it why; a full disk is the usual cause.
        if (text.Length == 0 || text.Equals("no error", StringComparison.OrdinalIgnoreCase))
            return new IOFaultException(IOFault.Other, "git could not write to the repository and gave no reason",
                "a full disk is the usual cause: check free space with 'df -h .', then run the command again", exception);
        return null;
    }

    private static ConflictException Locked(string? lockFile, Exception exception)
    {
        var what = lockFile is null ? "a git reference" : LockedName(lockFile);
        return new ConflictException($"{what} is locked by another git process",
            lockFile is null ? "wait for the other git command to finish, then run this again"
                : $"wait for the other git command to finish; if none is running, delete {lockFile}", exception);
    }

    private static string LockedName(string lockFile)
    {
        var normalized = lockFile.Replace('\\', '/');
        var refs = normalized.IndexOf("/refs/", StringComparison.Ordinal);
        if (refs >= 0)
        {
            var name = normalized[(refs + 1)..^".lock".Length];
            return name == "refs/heads/gittrack/runs" ? "the runs branch (gittrack/runs)" : $"the reference {name}";
        }
        return normalized.EndsWith("/index.lock", StringComparison.Ordinal) ? "the git index" : Path.GetFileName(normalized[..^".lock".Length]);
    }

    /// <summary>The one error for a git object that should be in the repository and is not (damaged, or pruned).</summary>
    public static CorruptDataException MissingObject(string id) => new(
        $"the repository is missing git object {id}",
        "it is damaged or was pruned: 'git fsck' lists what is missing; fetch the runs branch again from a remote that has it "
        + "(git fetch origin gittrack/runs:gittrack/runs)");

    private static CorruptDataException Missing(string message, Exception exception)
    {
        var id = ObjectId().Match(message) is { Success: true } match ? match.Value : null;
        return new CorruptDataException(
            id is null ? $"the repository is missing a git object: {GitMessage(message)}" : $"the repository is missing git object {id}",
            "it is damaged or was pruned: 'git fsck' lists what is missing; fetch the runs branch again from a remote that has it "
            + "(gittrack pull)", exception);
    }

    private static IOFaultException NotWritable(string? path, bool readOnlyFileSystem, Exception exception)
    {
        var what = path is null ? "a file in the repository" : path;
        var message = readOnlyFileSystem ? $"cannot write {what}: the file system is read-only" : $"cannot write {what}: permission denied";
        var folder = path is null ? ".git" : Path.GetDirectoryName(path) ?? path;
        return new IOFaultException(IOFault.NotWritable, message,
            readOnlyFileSystem ? "work in a clone on a writable disk"
                : $"make it writable for you (see 'ls -ld {folder}'), or work in a clone you own", exception);
    }

    private static IOFaultException DiskFull(string? path, Exception exception)
    {
        var folder = path is null ? "." : Path.GetDirectoryName(path) ?? path;
        return new IOFaultException(IOFault.DiskFull,
            path is null ? "the disk is full (no space left on the device)" : $"the disk is full: cannot write {path}",
            $"free some space on the disk that holds {folder} (df -h {folder}), then run the command again", exception);
    }

    /// <summary>The first quoted absolute path in a message: libgit2 and .NET both quote the file they failed on.</summary>
    private static string? PathIn(string message) =>
        QuotedPath().Match(message) is { Success: true } match ? match.Groups[1].Value : null;

    private static string GitMessage(string message)
    {
        var text = OneLine(message);
        return text.Length == 0 ? "no reason given" : text.TrimEnd('.', ' ', ':');
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string FirstLine(string text)
    {
        var line = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
        return line.Length == 0 ? "no message" : line;
    }

    [GeneratedRegex(@"'(/[^']+|[A-Za-z]:\\[^']+)'")]
    private static partial Regex QuotedPath();

    [GeneratedRegex(@"\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b")]
    private static partial Regex ObjectId();
}
