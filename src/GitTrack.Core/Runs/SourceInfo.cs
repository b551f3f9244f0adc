namespace GitTrack.Core.Runs;

/// <summary>
/// The code a run ran: the HEAD commit and branch, the remote URL with credentials removed, whether the work
/// tree had uncommitted changes, and <see cref="Tree"/>, the git tree id of a snapshot of the whole work tree
/// (uncommitted and untracked non-ignored files included) that restores the exact code.
/// </summary>
public sealed record SourceInfo
{
    public required string Commit { get; init; }
    public string? Branch { get; init; }
    public string? Remote { get; init; }
    public bool Dirty { get; init; }
    public required string Tree { get; init; }
    /// <summary>Untracked files left out of the snapshot because they exceed the size cap (they belong in artifacts).</summary>
    public IReadOnlyList<string> SkippedFiles { get; init; } = [];
}
