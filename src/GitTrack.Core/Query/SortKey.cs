namespace GitTrack.Core.Query;

/// <summary>One sort key: a field and a direction. Missing values sort last in either direction.</summary>
public sealed record SortKey(FieldPath Field, bool Descending = false)
{
    public static SortKey Ascending(FieldPath field) => new(field, false);
    public static SortKey DescendingBy(FieldPath field) => new(field, true);

    public override string ToString() => Descending ? "-" + Field : Field.ToString();
}
