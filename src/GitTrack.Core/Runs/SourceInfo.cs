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
    /// <summary>Untracked files left out of the snapshot: over the size cap (they belong in artifacts), or named like files of secrets.</summary>
    public IReadOnlyList<string> SkippedFiles { get; init; } = [];
    /// <summary>
    /// Which of <see cref="SkippedFiles"/> were left out as files of secrets (<see cref="Capture.SecretFiles"/>), for the
    /// warning when they are left out. Not stored: a run read back from the branch has it empty.
    /// </summary>
    public IReadOnlyList<string> SecretFiles { get; init; } = [];
}
