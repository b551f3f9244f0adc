using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache;

/// <summary>One object a garbage collection removed (or, in a dry run, would remove): its key and stored size.</summary>
public sealed record FreedObject(Blake3Hash Key, long Size);

/// <summary>
/// What <see cref="CacheCollector"/> did: the objects removed (or that a dry run would remove), and why the others
/// stayed: referenced by a run, younger than the grace period, or written since a run still recording began.
/// </summary>
public sealed record GcResult(
    IReadOnlyList<FreedObject> Freed,
    int Referenced,
    int Young,
    int KeptForActiveRuns,
    int Runs,
    IReadOnlyList<string> Refs,
    int LeftoversRemoved)
{
    public long FreedBytes => Freed.Sum(f => f.Size);
}
