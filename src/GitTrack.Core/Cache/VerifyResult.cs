using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache;

/// <summary>What re-hashing one cache object found.</summary>
public enum VerifyStatus
{
    /// <summary>The object decodes and its content hashes to its key.</summary>
    Intact = 0,
    /// <summary>No object with that key exists.</summary>
    Missing = 1,
    /// <summary>The object does not decode, or decodes to content with another hash.</summary>
    Corrupt = 2,
}

/// <summary>The outcome of <see cref="ArtifactCache.Verify"/> for one key: its status, the content size read and, when corrupt, why.</summary>
public sealed record VerifyResult(Blake3Hash Key, VerifyStatus Status, long Size, string? Problem = null)
{
    public bool IsIntact => Status == VerifyStatus.Intact;
}
