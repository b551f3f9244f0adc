namespace GitTrack.Core.Diff;

/// <summary>A named value in run A (<see cref="Old"/>) and run B (<see cref="New"/>); null where the run has none.</summary>
public sealed record ValueChange(string Name, object? Old, object? New)
{
    public ChangeKind Kind => Old is null ? (New is null ? ChangeKind.Same : ChangeKind.Added)
        : New is null ? ChangeKind.Removed
        : Equals(Old, New) ? ChangeKind.Same : ChangeKind.Changed;
}
