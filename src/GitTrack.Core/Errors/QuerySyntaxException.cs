namespace GitTrack.Core.Errors;

/// <summary>
/// A filter, sort key or column list that does not parse: the message says what is wrong and at which column,
/// <see cref="Expression"/> and <see cref="Position"/> let the CLI print the expression with a caret under the problem.
/// </summary>
public sealed class QuerySyntaxException : InvalidInputException
{
    public QuerySyntaxException(string what, string problem, string expression, int position, string? hint = null)
        : base($"bad {what}: {problem} at column {Math.Clamp(position, 0, expression.Length) + 1}", hint)
    {
        Expression = expression;
        Position = Math.Clamp(position, 0, expression.Length);
        Problem = problem;
    }

    /// <summary>The text that was parsed, as given.</summary>
    public string Expression { get; }

    /// <summary>Where the problem is: a 0-based index into <see cref="Expression"/> (its length when the text ended too early).</summary>
    public int Position { get; }

    /// <summary>1-based column of <see cref="Position"/>, as the message says it.</summary>
    public int Column => Position + 1;

    /// <summary>What is wrong, without the position (e.g. <c>expected a value after '&lt;'</c>).</summary>
    public string Problem { get; }

    /// <summary>
    /// A line to print under <see cref="Expression"/> with <c>^</c> under the problem. Tabs before the position are kept
    /// as tabs so the caret lines up in a terminal; line breaks in the expression are shown as spaces by <see cref="DisplayExpression"/>.
    /// </summary>
    public string CaretLine
    {
        get
        {
            var pad = new char[Position];
            for (int i = 0; i < Position; i++)
                pad[i] = Expression[i] == '\t' ? '\t' : ' ';
            return new string(pad) + "^";
        }
    }

    /// <summary><see cref="Expression"/> on one line (line breaks as spaces), to print above <see cref="CaretLine"/>.</summary>
    public string DisplayExpression => Expression.Replace('\r', ' ').Replace('\n', ' ');
}
