using GitTrack.Core.Runs;

namespace GitTrack.Core.Diff;

/// <summary>An input path in run A (<see cref="Old"/>) and run B (<see cref="New"/>), compared by content key.</summary>
public sealed record InputChange(string Path, InputEntry? Old, InputEntry? New)
{
    public ChangeKind Kind => Old is null ? ChangeKind.Added : New is null ? ChangeKind.Removed
        : Old.Key == New.Key ? ChangeKind.Same : ChangeKind.Changed;
}
