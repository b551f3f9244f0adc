namespace GitTrack.Core.Query;

/// <summary><c>Left and Right</c>.</summary>
public sealed record AndExpression(QueryExpression Left, QueryExpression Right) : QueryExpression
{
    public override string ToString() => $"({Left} and {Right})";
}
