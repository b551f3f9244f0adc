namespace GitTrack.Core.Hashing;

/// <summary>
/// The hash that names every cache object: BLAKE3 (default mode, 32 bytes) computed by the <c>Blake3</c> package
/// (docs/hashing.md). A thin wrapper, kept so that the cache, checkout and tests name one hash function that yields
/// the cache's key type (<see cref="Blake3Hash"/>). It hashes on the calling thread: the cache runs it beside its
/// reads and writes, which measured faster than the package's multi-threaded <c>UpdateWithJoin</c> (docs/hashing.md).
/// Dispose it: the package's hasher rents its buffers.
/// </summary>
public sealed class Blake3Hasher : IDisposable
{
    private readonly Blake3.Hasher _hasher = Blake3.Hasher.New();

    private Blake3Hasher()
    {
    }

    /// <summary>A hasher for the default (unkeyed) mode, as <c>b3sum</c> computes it.</summary>
    public static Blake3Hasher Create() => new();

    /// <summary>Adds <paramref name="input"/> to the hashed bytes, on this thread.</summary>
    public void Update(ReadOnlySpan<byte> input) => _hasher.Update(input);

    /// <summary>The hash of the bytes fed so far; more may be fed afterwards.</summary>
    public Blake3Hash Finalize()
    {
        Span<byte> bytes = stackalloc byte[Blake3Hash.Length];
        _hasher.Finalize(bytes);
        return new Blake3Hash(bytes);
    }

    /// <summary>Forgets everything fed so far.</summary>
    public void Reset() => _hasher.Reset();

    /// <summary>The hash of <paramref name="input"/>.</summary>
    public static Blake3Hash Hash(ReadOnlySpan<byte> input)
    {
        Span<byte> bytes = stackalloc byte[Blake3Hash.Length];
        Blake3.Hasher.Hash(input, bytes);
        return new Blake3Hash(bytes);
    }

    public void Dispose() => _hasher.Dispose();
}
