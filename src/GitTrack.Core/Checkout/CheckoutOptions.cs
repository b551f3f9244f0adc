namespace GitTrack.Core.Checkout;

/// <summary>What <see cref="RunCheckout"/> restores, and where.</summary>
public sealed record CheckoutOptions
{
    /// <summary>A folder for a new git worktree (it must not exist, or be empty); null restores into the current work tree.</summary>
    public string? Worktree { get; init; }
    /// <summary>Restore only the artifacts, leaving HEAD, the index and the code as they are.</summary>
    public bool ArtifactsOnly { get; init; }
    /// <summary>Restore only the code (<c>gittrack rerun</c>: the rerun makes its own artifacts).</summary>
    public bool CodeOnly { get; init; }
    /// <summary>Overwrite uncommitted changes and files in the way instead of refusing.</summary>
    public bool Force { get; init; }
}
