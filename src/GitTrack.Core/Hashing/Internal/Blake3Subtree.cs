using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>
/// Chaining value of a complete, non-root subtree of 2^k whole chunks: chunks and then each level of parents go
/// through <see cref="Blake3HashMany"/> a batch at a time; larger subtrees are split in halves (as the Rust
/// implementation's <c>join</c> does), on other cores while the parallel depth lasts.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Subtree
{
    /// <summary>Largest subtree hashed as one batch (its chaining values take 16 KiB of stack).</summary>
    public const int MaxBatchChunks = 512;

    /// <summary>
    /// Writes to <paramref name="cv"/> the 8-word chaining value of the <paramref name="chunks"/> (a power of two)
    /// whole chunks at <paramref name="input"/> (pinned by the caller), the first of which has index
    /// <paramref name="counter"/> (a multiple of <paramref name="chunks"/>). Up to <paramref name="parallelDepth"/>
    /// levels of halves of at least <paramref name="minParallelChunks"/> chunks run on other threads.
    /// With <paramref name="roots"/> 2 (and at least 2 chunks) it stops one level short and writes the two children's
    /// 8-word chaining values instead, for a subtree that may turn out to be the root's.
    /// </summary>
    public static void Hash(byte* input, int chunks, ulong counter, uint* key, uint flags, Blake3Backend backend, int parallelDepth, int minParallelChunks, uint* cv, int roots = 1)
    {
        if (chunks == 1 || (chunks <= MaxBatchChunks && (parallelDepth == 0 || chunks < minParallelChunks)))
        {
            byte* cvs = stackalloc byte[chunks * 32];
            Blake3HashMany.Hash(input, chunks, Blake3Hasher.ChunkLen / Blake3Hasher.BlockLen, key, counter, true,
                flags, Blake3Compress.ChunkStart, Blake3Compress.ChunkEnd, cvs, backend);
            // Each level halves the count in place: parent i reads values 2i and 2i+1 and writes value i.
            for (int n = chunks / 2; n >= roots; n /= 2)
                Blake3HashMany.Hash(cvs, n, 1, key, 0, false, flags | Blake3Compress.Parent, 0, 0, cvs, backend);
            for (int i = 0; i < 8 * roots; i++)
                cv[i] = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(cvs + 4 * i, 4));
            return;
        }

        int half = chunks / 2;
        uint* children = stackalloc uint[16];
        byte* right = input + (nint)half * Blake3Hasher.ChunkLen;
        if (parallelDepth > 0 && chunks >= minParallelChunks)
        {
            // Pointers cross into the lambdas as integers; the caller keeps the input pinned and this frame (and so
            // `children`) alive until both halves are done.
            nint leftInput = (nint)input, rightInput = (nint)right, keyAddress = (nint)key, childAddress = (nint)children;
            Parallel.Invoke(
                () => Hash((byte*)leftInput, half, counter, (uint*)keyAddress, flags, backend, parallelDepth - 1, minParallelChunks, (uint*)childAddress),
                () => Hash((byte*)rightInput, half, counter + (ulong)half, (uint*)keyAddress, flags, backend, parallelDepth - 1, minParallelChunks, (uint*)childAddress + 8));
        }
        else
        {
            Hash(input, half, counter, key, flags, backend, parallelDepth, minParallelChunks, children);
            Hash(right, half, counter + (ulong)half, key, flags, backend, parallelDepth, minParallelChunks, children + 8);
        }
        if (roots == 2)
        {
            new ReadOnlySpan<uint>(children, 16).CopyTo(new Span<uint>(cv, 16));
            return;
        }
        Span<uint> output = stackalloc uint[16];
        Blake3Compress.Compress(new ReadOnlySpan<uint>(key, 8), new ReadOnlySpan<uint>(children, 16), 0, Blake3Hasher.BlockLen,
            flags | Blake3Compress.Parent, output);
        output[..8].CopyTo(new Span<uint>(cv, 8));
    }
}
