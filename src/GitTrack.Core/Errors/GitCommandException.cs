namespace GitTrack.Core.Errors;

/// <summary>
/// The git command line exited with an error: which command, its exit code and what it printed on stderr. Not shown
/// as it is: <see cref="GitErrors.Translate"/> turns it into the GitTrack error a user is shown.
/// </summary>
public sealed class GitCommandException(IReadOnlyList<string> arguments, int exitCode, string stderr)
    : Exception($"git {string.Join(' ', arguments)} failed ({exitCode}): {stderr}")
{
    /// <summary>The arguments git was given (without "git").</summary>
    public IReadOnlyList<string> Arguments { get; } = arguments;
    public int ExitCode { get; } = exitCode;
    /// <summary>What git printed on standard error, trimmed.</summary>
    public string Stderr { get; } = stderr;
}
