namespace GitTrack.Core.Errors;

/// <summary>
/// Base of every error GitTrack reports to a user. <see cref="Exception.Message"/> says what is wrong,
/// <see cref="Hint"/> what to do about it; the CLI prints both on one line and maps the type to an exit code.
/// </summary>
public abstract class GitTrackException : Exception
{
    protected GitTrackException(string message, string? hint = null, Exception? inner = null)
        : base(message, inner) => Hint = hint;

    /// <summary>What the user can do about it, or null when the message says it all.</summary>
    public string? Hint { get; }
}

/// <summary>Bad input from the user: a malformed argument, a missing file, not inside a git repository.</summary>
/// <remarks>Not sealed: <see cref="QuerySyntaxException"/> adds the position of the problem in an expression.</remarks>
public class InvalidInputException(string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner);

/// <summary>A named thing (run, cache key, file) does not exist.</summary>
public sealed class NotFoundException(string message, string? hint = null)
    : GitTrackException(message, hint);

/// <summary>A name or prefix matches more than one thing; <see cref="Candidates"/> lists them.</summary>
public sealed class AmbiguousException(string message, IReadOnlyList<string> candidates, string? hint = null)
    : GitTrackException(message, hint)
{
    public IReadOnlyList<string> Candidates { get; } = candidates;
}

/// <summary>Stored data failed verification (hash mismatch, unreadable manifest): never silently used.</summary>
public sealed class CorruptDataException(string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner);

/// <summary>The operation would overwrite or lose the user's work, or lost a race it could not retry.</summary>
public sealed class ConflictException(string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner);
