namespace GitTrack.Core.Query;

/// <summary><c>not Operand</c>: true when the operand is false, a missing field included.</summary>
public sealed record NotExpression(QueryExpression Operand) : QueryExpression
{
    public override string ToString() => $"(not {Operand})";
}
