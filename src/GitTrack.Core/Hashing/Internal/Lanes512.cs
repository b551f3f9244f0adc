using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>
/// Message loading and chaining value storing for sixteen inputs at a time in <see cref="Vector512{T}"/> (AVX-512). Where Vector512 is not accelerated .NET runs it
/// as two 256-bit halves in software, which is slow but exact, so tests can force this width on any machine.
/// </summary>
internal static unsafe class Lanes512
{
    public const int Count = 16;

    /// <summary>Loads one 64-byte block of each input (input i at <c>input + i * stride + offset</c>) transposed: m[w] lane i is word w of input i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadMessage(byte* input, nint stride, nint offset, Vector512<uint>* m)
    {
        if (!Avx2.IsSupported)
        {
            LanesFallback.LoadMessage(input, stride, offset, (uint*)m, Count);
            return;
        }
        // Two 8x8 transposes per half-block: inputs 0..7 fill the lower 256 bits of each word vector, 8..15 the upper.
        // The transposed halves are parked in m[8..16) (not yet written) until they are combined into m[0..8).
        var hi = (Vector256<uint>*)(m + 8);
        var lo = (Vector256<uint>*)(m + 12);
        byte* p = input + offset;
        if (Sse.IsSupported)
        {
            for (int i = 0; i < Count; i++)
                Sse.Prefetch0(p + 256 + i * stride);
        }
        Lanes256.LoadTransposed(p, stride, lo, out var l8, out var l9, out var l10, out var l11, out var l12, out var l13, out var l14, out var l15);
        Lanes256.LoadTransposed(p + 8 * stride, stride, hi, out var h8, out var h9, out var h10, out var h11, out var h12, out var h13, out var h14, out var h15);
        for (int w = 0; w < 8; w++)
            m[w] = Vector512.Create(lo[w], hi[w]);
        m[8] = Vector512.Create(l8, h8);
        m[9] = Vector512.Create(l9, h9);
        m[10] = Vector512.Create(l10, h10);
        m[11] = Vector512.Create(l11, h11);
        m[12] = Vector512.Create(l12, h12);
        m[13] = Vector512.Create(l13, h13);
        m[14] = Vector512.Create(l14, h14);
        m[15] = Vector512.Create(l15, h15);
    }

    /// <summary>Writes the chaining values h[0..8) back as one 32-byte value per input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreChainingValues(Vector512<uint>* h, byte* output)
    {
        if (!Avx2.IsSupported)
        {
            LanesFallback.StoreChainingValues((uint*)h, output, Count);
            return;
        }
        Lanes256.StoreTransposed(h[0].GetLower(), h[1].GetLower(), h[2].GetLower(), h[3].GetLower(),
            h[4].GetLower(), h[5].GetLower(), h[6].GetLower(), h[7].GetLower(), output);
        Lanes256.StoreTransposed(h[0].GetUpper(), h[1].GetUpper(), h[2].GetUpper(), h[3].GetUpper(),
            h[4].GetUpper(), h[5].GetUpper(), h[6].GetUpper(), h[7].GetUpper(), output + 256);
    }
}
