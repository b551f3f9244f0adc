using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;

namespace GitTrack.Cli;

/// <summary>
/// The one place where errors become messages and exit codes: one line on stderr,
/// <c>gittrack: &lt;what&gt; (&lt;what to do&gt;)</c>, and never a stack trace unless GITTRACK_DEBUG is set. A failure
/// of git, libgit2 or the file system is first made a GitTrack error (<see cref="GitErrors.Translate"/>): a held lock,
/// a missing object, a read-only folder or a full disk is said as such, never as an internal error.
/// </summary>
public static class ErrorReporter
{
    public static ExitCode ExitCodeFor(Exception exception) => exception switch
    {
        InvalidInputException or NotFoundException or AmbiguousException => ExitCode.Usage,
        CorruptDataException or ConflictException or IOFaultException => ExitCode.Failed,
        OperationCanceledException => ExitCode.Interrupted,
        _ => ExitCode.Failed,
    };

    public static ExitCode Report(Exception exception, TextWriter error)
    {
        var original = exception;
        if (exception is not (GitTrackException or OperationCanceledException) && GitErrors.Translate(exception) is { } translated)
            exception = translated;
        switch (exception)
        {
            case AmbiguousException ambiguous:
                error.WriteLine(Line(ambiguous.Message, ambiguous.Hint));
                foreach (var candidate in ambiguous.Candidates)
                    error.WriteLine($"  {TerminalText.Escape(candidate)}");
                break;
            case QuerySyntaxException syntax:
                // The one-line message first (as for every error), then the expression with a caret under the problem.
                error.WriteLine(Line(syntax.Message, syntax.Hint));
                // Tabs stay, so the caret below still lines up; anything else a terminal would act on is escaped.
                error.WriteLine($"  {string.Join('\t', syntax.DisplayExpression.Split('\t').Select(TerminalText.Escape))}");
                error.WriteLine($"  {syntax.CaretLine}");
                break;
            case GitTrackException known:
                error.WriteLine(Line(known.Message, known.Hint));
                break;
            case OperationCanceledException:
                error.WriteLine("gittrack: interrupted");
                break;
            case UnauthorizedAccessException or IOException:
                error.WriteLine(Line(exception.Message, "check the path and its permissions"));
                break;
            default:
                error.WriteLine(Line($"internal error: {exception.GetType().Name}: {exception.Message}",
                    "please report this; set GITTRACK_DEBUG=1 for details"));
                break;
        }
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GITTRACK_DEBUG")))
            error.WriteLine(original.ToString());
        return ExitCodeFor(exception);
    }

    /// <summary>
    /// The one-line form of an error or warning. Messages carry names and paths read from runs, so both parts are
    /// escaped (<see cref="TerminalText.Escape"/>): one line, no raw control characters.
    /// </summary>
    public static string Line(string what, string? hint) =>
        hint is null ? $"gittrack: {TerminalText.Escape(what)}" : $"gittrack: {TerminalText.Escape(what)} ({TerminalText.Escape(hint)})";

    /// <summary>A warning line, <c>gittrack: warning: ...</c>, escaped as <see cref="Line"/> is.</summary>
    public static string Warning(string what) => $"gittrack: warning: {TerminalText.Escape(what)}";
}
