using GitTrack.Core.Runs;

namespace GitTrack.Core.Checkout;

/// <summary>What a checkout restored: the work tree root, whether the code was restored, and the artifacts written.</summary>
public sealed record CheckoutResult(string Root, bool CodeRestored, IReadOnlyList<ArtifactEntry> Artifacts)
{
    public long ArtifactBytes => Artifacts.Sum(a => a.Size);
}
