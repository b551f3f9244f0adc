using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace GitTrack.Core.Hashing;

/// <summary>The BLAKE3 compression function and constants, portable scalar code.</summary>
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

    private static ReadOnlySpan<byte> Schedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

    public static void WordsFromBlock(ReadOnlySpan<byte> block, Span<uint> words)
    {
        for (int i = 0; i < 16; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint mx, uint my)
    {
        a = a + b + mx;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 12);
        a = a + b + my;
        d = BitOperations.RotateRight(d ^ a, 8);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 7);
    }

    /// <summary>Compresses one 64-byte block; writes the full 16-word output (the first 8 are the chaining value).</summary>
    public static void Compress(ReadOnlySpan<uint> cv, ReadOnlySpan<uint> m, ulong counter, uint blockLen, uint flags, Span<uint> output)
    {
        uint s0 = cv[0], s1 = cv[1], s2 = cv[2], s3 = cv[3], s4 = cv[4], s5 = cv[5], s6 = cv[6], s7 = cv[7];
        uint s8 = IV[0], s9 = IV[1], s10 = IV[2], s11 = IV[3];
        uint s12 = (uint)counter, s13 = (uint)(counter >> 32), s14 = blockLen, s15 = flags;
        var schedule = Schedule;
        for (int r = 0; r < 7; r++)
        {
            var s = schedule.Slice(r * 16, 16);
            G(ref s0, ref s4, ref s8, ref s12, m[s[0]], m[s[1]]);
            G(ref s1, ref s5, ref s9, ref s13, m[s[2]], m[s[3]]);
            G(ref s2, ref s6, ref s10, ref s14, m[s[4]], m[s[5]]);
            G(ref s3, ref s7, ref s11, ref s15, m[s[6]], m[s[7]]);
            G(ref s0, ref s5, ref s10, ref s15, m[s[8]], m[s[9]]);
            G(ref s1, ref s6, ref s11, ref s12, m[s[10]], m[s[11]]);
            G(ref s2, ref s7, ref s8, ref s13, m[s[12]], m[s[13]]);
            G(ref s3, ref s4, ref s9, ref s14, m[s[14]], m[s[15]]);
        }
        output[0] = s0 ^ s8; output[1] = s1 ^ s9; output[2] = s2 ^ s10; output[3] = s3 ^ s11;
        output[4] = s4 ^ s12; output[5] = s5 ^ s13; output[6] = s6 ^ s14; output[7] = s7 ^ s15;
        output[8] = s8 ^ cv[0]; output[9] = s9 ^ cv[1]; output[10] = s10 ^ cv[2]; output[11] = s11 ^ cv[3];
        output[12] = s12 ^ cv[4]; output[13] = s13 ^ cv[5]; output[14] = s14 ^ cv[6]; output[15] = s15 ^ cv[7];
    }
}
