namespace GitTrack.Core.Query;

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
