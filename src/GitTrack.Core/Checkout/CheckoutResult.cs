using GitTrack.Core.Runs;

namespace GitTrack.Core.Checkout;

/// <summary>
/// What a checkout restored: the work tree root, whether the code was restored, the artifacts written, and, when HEAD
/// of the current work tree was moved to the run's commit, what it was before (a branch name, or a commit id).
/// </summary>
public sealed record CheckoutResult(string Root, bool CodeRestored, IReadOnlyList<ArtifactEntry> Artifacts, string? PreviousHead = null)
{
    public long ArtifactBytes => Artifacts.Sum(a => a.Size);
}
