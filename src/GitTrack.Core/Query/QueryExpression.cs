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

/// <summary><c>Left and Right</c>.</summary>
public sealed record AndExpression(QueryExpression Left, QueryExpression Right) : QueryExpression
{
    public override string ToString() => $"({Left} and {Right})";
}

/// <summary><c>Left or Right</c>.</summary>
public sealed record OrExpression(QueryExpression Left, QueryExpression Right) : QueryExpression
{
    public override string ToString() => $"({Left} or {Right})";
}

/// <summary><c>not Operand</c>: true when the operand is false, a missing field included.</summary>
public sealed record NotExpression(QueryExpression Operand) : QueryExpression
{
    public override string ToString() => $"(not {Operand})";
}

/// <summary><c>exists(Field)</c>: the run has a value for the field.</summary>
public sealed record ExistsExpression(FieldPath Field) : QueryExpression
{
    public override string ToString() => $"exists({Field})";
}

/// <summary><c>Field Operator Value</c>; false when the run has no value for the field, whatever the operator.</summary>
public sealed record ComparisonExpression(FieldPath Field, QueryOperator Operator, QueryLiteral Value) : QueryExpression
{
    public override string ToString() => $"{Field} {OperatorText(Operator)} {Value}";

    public static string OperatorText(QueryOperator op) => op switch
    {
        QueryOperator.Equal => "=",
        QueryOperator.NotEqual => "!=",
        QueryOperator.Less => "<",
        QueryOperator.LessOrEqual => "<=",
        QueryOperator.Greater => ">",
        QueryOperator.GreaterOrEqual => ">=",
        QueryOperator.Match => "~",
        _ => "!~",
    };
}
