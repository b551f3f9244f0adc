namespace GitTrack.Core.Diff;

/// <summary>A package (by manager and normalised name) in run A's environment (<see cref="Old"/> version) and run B's (<see cref="New"/>).</summary>
public sealed record PackageChange(string Manager, string Name, string? Old, string? New)
{
    public ChangeKind Kind => Old is null ? (New is null ? ChangeKind.Same : ChangeKind.Added)
        : New is null ? ChangeKind.Removed
        : Old == New ? ChangeKind.Same : ChangeKind.Changed;
}
