namespace GitTrack.Core.Query;

/// <summary><c>exists(Field)</c>: the run has a value for the field.</summary>
public sealed record ExistsExpression(FieldPath Field) : QueryExpression
{
    public override string ToString() => $"exists({Field})";
}
