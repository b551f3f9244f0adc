namespace GitTrack.Core.Query;

/// <summary><c>Left or Right</c>.</summary>
public sealed record OrExpression(QueryExpression Left, QueryExpression Right) : QueryExpression
{
    public override string ToString() => $"({Left} or {Right})";
}
