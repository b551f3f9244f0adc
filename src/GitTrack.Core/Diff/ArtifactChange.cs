using GitTrack.Core.Runs;

namespace GitTrack.Core.Diff;

/// <summary>An artifact path in run A (<see cref="Old"/>) and run B (<see cref="New"/>), compared by cache key.</summary>
public sealed record ArtifactChange(string Path, ArtifactEntry? Old, ArtifactEntry? New)
{
    public ChangeKind Kind => Old is null ? ChangeKind.Added : New is null ? ChangeKind.Removed
        : Old.Key == New.Key ? ChangeKind.Same : ChangeKind.Changed;
}
