namespace GitTrack.Core.Query;

/// <summary>The type of a <see cref="QueryValue"/>; the order is the order of kinds when a sort meets mixed types.</summary>
public enum QueryValueKind
{
    Number = 0,
    Duration = 1,
    Date = 2,
    Bool = 3,
    Text = 4,
}
