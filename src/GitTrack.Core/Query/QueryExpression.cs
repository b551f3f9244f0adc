namespace GitTrack.Core.Query;

/// <summary>
/// A parsed filter (<see cref="QueryParser.Parse"/>): a tree of <see cref="AndExpression"/>, <see cref="OrExpression"/>,
/// <see cref="NotExpression"/>, <see cref="ExistsExpression"/> and <see cref="ComparisonExpression"/>.
/// Parse once, <see cref="Compile{TRun}"/> to a predicate, run it over many runs.
/// </summary>
public abstract record QueryExpression
{
    /// <summary>0-based index in the expression text where this part starts.</summary>
    public int Position { get; init; }

    /// <summary>A predicate over runs of any shape that <paramref name="fields"/> reads; relative dates resolved against
    /// <paramref name="context"/> (default: this machine's clock and time zone, read now).</summary>
    public Func<TRun, bool> Compile<TRun>(RunFields<TRun> fields, QueryContext? context = null) =>
        QueryCompiler.Compile(this, fields, context);

    /// <summary>The expression fully parenthesised, so its structure shows: <c>(params.a = 1 or (params.b = 2 and params.c = 3))</c>.</summary>
    public abstract override string ToString();
}
