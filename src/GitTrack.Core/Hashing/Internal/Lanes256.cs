using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>Message loading and chaining value storing for eight inputs at a time in <see cref="Vector256{T}"/> (AVX2).</summary>
internal static unsafe class Lanes256
{
    public const int Count = 8;

    /// <summary>Loads one 64-byte block of each input (input i at <c>input + i * stride + offset</c>) transposed: m[w] lane i is word w of input i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadMessage(byte* input, nint stride, nint offset, Vector256<uint>* m)
    {
        if (!Avx2.IsSupported)
        {
            LanesFallback.LoadMessage(input, stride, offset, (uint*)m, Count);
            return;
        }
        if (Sse.IsSupported)
        {
            // As the reference does: ask for each input's block four blocks ahead, eight streams being more than the
            // hardware prefetcher follows well.
            byte* ahead = input + offset + 256;
            for (int i = 0; i < Count; i++)
                Sse.Prefetch0(ahead + i * stride);
        }
        LoadTransposed(input + offset, stride, m, out m[8], out m[9], out m[10], out m[11], out m[12], out m[13], out m[14], out m[15]);
    }

    /// <summary>
    /// Loads words 0..7 of eight inputs transposed into m[0..8) and words 8..15 into the eight outs
    /// (Lanes512 uses the outs to combine two such halves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LoadTransposed(byte* p, nint stride, Vector256<uint>* m,
        out Vector256<uint> m8, out Vector256<uint> m9, out Vector256<uint> m10, out Vector256<uint> m11,
        out Vector256<uint> m12, out Vector256<uint> m13, out Vector256<uint> m14, out Vector256<uint> m15)
    {
        var r0 = Vector256.Load((uint*)p);
        var r1 = Vector256.Load((uint*)(p + stride));
        var r2 = Vector256.Load((uint*)(p + 2 * stride));
        var r3 = Vector256.Load((uint*)(p + 3 * stride));
        var r4 = Vector256.Load((uint*)(p + 4 * stride));
        var r5 = Vector256.Load((uint*)(p + 5 * stride));
        var r6 = Vector256.Load((uint*)(p + 6 * stride));
        var r7 = Vector256.Load((uint*)(p + 7 * stride));
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        m[0] = r0; m[1] = r1; m[2] = r2; m[3] = r3; m[4] = r4; m[5] = r5; m[6] = r6; m[7] = r7;
        p += 32;
        m8 = Vector256.Load((uint*)p);
        m9 = Vector256.Load((uint*)(p + stride));
        m10 = Vector256.Load((uint*)(p + 2 * stride));
        m11 = Vector256.Load((uint*)(p + 3 * stride));
        m12 = Vector256.Load((uint*)(p + 4 * stride));
        m13 = Vector256.Load((uint*)(p + 5 * stride));
        m14 = Vector256.Load((uint*)(p + 6 * stride));
        m15 = Vector256.Load((uint*)(p + 7 * stride));
        Transpose(ref m8, ref m9, ref m10, ref m11, ref m12, ref m13, ref m14, ref m15);
    }

    /// <summary>Writes the chaining values h[0..8) back as one 32-byte value per input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreChainingValues(Vector256<uint>* h, byte* output)
    {
        if (!Avx2.IsSupported)
        {
            LanesFallback.StoreChainingValues((uint*)h, output, Count);
            return;
        }
        StoreTransposed(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], output);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreTransposed(Vector256<uint> h0, Vector256<uint> h1, Vector256<uint> h2, Vector256<uint> h3,
        Vector256<uint> h4, Vector256<uint> h5, Vector256<uint> h6, Vector256<uint> h7, byte* output)
    {
        Transpose(ref h0, ref h1, ref h2, ref h3, ref h4, ref h5, ref h6, ref h7);
        h0.Store((uint*)output);
        h1.Store((uint*)(output + 32));
        h2.Store((uint*)(output + 64));
        h3.Store((uint*)(output + 96));
        h4.Store((uint*)(output + 128));
        h5.Store((uint*)(output + 160));
        h6.Store((uint*)(output + 192));
        h7.Store((uint*)(output + 224));
    }

    /// <summary>8x8 transpose of 32-bit words (as in the reference blake3_avx2.c): row i becomes column i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Vector256<uint> v0, ref Vector256<uint> v1, ref Vector256<uint> v2, ref Vector256<uint> v3,
        ref Vector256<uint> v4, ref Vector256<uint> v5, ref Vector256<uint> v6, ref Vector256<uint> v7)
    {
        var ab0145 = Avx2.UnpackLow(v0, v1).AsUInt64();
        var ab2367 = Avx2.UnpackHigh(v0, v1).AsUInt64();
        var cd0145 = Avx2.UnpackLow(v2, v3).AsUInt64();
        var cd2367 = Avx2.UnpackHigh(v2, v3).AsUInt64();
        var ef0145 = Avx2.UnpackLow(v4, v5).AsUInt64();
        var ef2367 = Avx2.UnpackHigh(v4, v5).AsUInt64();
        var gh0145 = Avx2.UnpackLow(v6, v7).AsUInt64();
        var gh2367 = Avx2.UnpackHigh(v6, v7).AsUInt64();
        var abcd04 = Avx2.UnpackLow(ab0145, cd0145).AsUInt32();
        var abcd15 = Avx2.UnpackHigh(ab0145, cd0145).AsUInt32();
        var abcd26 = Avx2.UnpackLow(ab2367, cd2367).AsUInt32();
        var abcd37 = Avx2.UnpackHigh(ab2367, cd2367).AsUInt32();
        var efgh04 = Avx2.UnpackLow(ef0145, gh0145).AsUInt32();
        var efgh15 = Avx2.UnpackHigh(ef0145, gh0145).AsUInt32();
        var efgh26 = Avx2.UnpackLow(ef2367, gh2367).AsUInt32();
        var efgh37 = Avx2.UnpackHigh(ef2367, gh2367).AsUInt32();
        v0 = Avx2.Permute2x128(abcd04, efgh04, 0x20);
        v1 = Avx2.Permute2x128(abcd15, efgh15, 0x20);
        v2 = Avx2.Permute2x128(abcd26, efgh26, 0x20);
        v3 = Avx2.Permute2x128(abcd37, efgh37, 0x20);
        v4 = Avx2.Permute2x128(abcd04, efgh04, 0x31);
        v5 = Avx2.Permute2x128(abcd15, efgh15, 0x31);
        v6 = Avx2.Permute2x128(abcd26, efgh26, 0x31);
        v7 = Avx2.Permute2x128(abcd37, efgh37, 0x31);
    }
}
