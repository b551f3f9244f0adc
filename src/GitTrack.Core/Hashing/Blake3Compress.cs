using System.Buffers.Binary;
using GitTrack.Core.Hashing.Internal;

namespace GitTrack.Core.Hashing;

/// <summary>The BLAKE3 constants and the portable scalar compression function (written out in Internal/Blake3KernelScalar.cs).</summary>
internal static class Blake3Compress
{
    public const uint ChunkStart = 1 << 0;
    public const uint ChunkEnd = 1 << 1;
    public const uint Parent = 1 << 2;
    public const uint Root = 1 << 3;
    public const uint KeyedHash = 1 << 4;
    public const uint DeriveKeyContext = 1 << 5;
    public const uint DeriveKeyMaterial = 1 << 6;

    public static ReadOnlySpan<uint> IV =>
    [
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    ];

    public static void WordsFromBlock(ReadOnlySpan<byte> block, Span<uint> words)
    {
        for (int i = 0; i < 16; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
    }

    /// <summary>Compresses one 64-byte block; writes the full 16-word output (the first 8 are the chaining value).</summary>
    public static void Compress(ReadOnlySpan<uint> cv, ReadOnlySpan<uint> m, ulong counter, uint blockLen, uint flags, Span<uint> output) =>
        Blake3KernelScalar.Compress(cv, m, counter, blockLen, flags, output);
}
