using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>Message loading and chaining value storing for four inputs at a time in <see cref="Vector128{T}"/> (SSE2/SSSE3 on x64, AdvSimd on Arm).</summary>
internal static unsafe class Lanes128
{
    public const int Count = 4;

    /// <summary>Loads one 64-byte block of each input (input i at <c>input + i * stride + offset</c>) transposed: m[w] lane i is word w of input i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadMessage(byte* input, nint stride, nint offset, Vector128<uint>* m)
    {
        if (!Sse2.IsSupported)
        {
            LanesFallback.LoadMessage(input, stride, offset, (uint*)m, Count);
            return;
        }
        byte* p = input + offset;
        for (int q = 0; q < 4; q++)
        {
            // Words 4q..4q+3 of each of the four inputs, transposed.
            var a = Vector128.Load((uint*)(p + 16 * q));
            var b = Vector128.Load((uint*)(p + stride + 16 * q));
            var c = Vector128.Load((uint*)(p + 2 * stride + 16 * q));
            var d = Vector128.Load((uint*)(p + 3 * stride + 16 * q));
            Transpose(ref a, ref b, ref c, ref d);
            m[4 * q] = a;
            m[4 * q + 1] = b;
            m[4 * q + 2] = c;
            m[4 * q + 3] = d;
        }
    }

    /// <summary>Writes the chaining values h[0..8) back as one 32-byte value per input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreChainingValues(Vector128<uint>* h, byte* output)
    {
        if (!Sse2.IsSupported)
        {
            LanesFallback.StoreChainingValues((uint*)h, output, Count);
            return;
        }
        for (int half = 0; half < 2; half++)
        {
            var a = h[4 * half];
            var b = h[4 * half + 1];
            var c = h[4 * half + 2];
            var d = h[4 * half + 3];
            Transpose(ref a, ref b, ref c, ref d);
            a.Store((uint*)(output + 16 * half));
            b.Store((uint*)(output + 32 + 16 * half));
            c.Store((uint*)(output + 64 + 16 * half));
            d.Store((uint*)(output + 96 + 16 * half));
        }
    }

    /// <summary>4x4 transpose of 32-bit words: row i becomes column i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d)
    {
        var ab01 = Sse2.UnpackLow(a, b);
        var ab23 = Sse2.UnpackHigh(a, b);
        var cd01 = Sse2.UnpackLow(c, d);
        var cd23 = Sse2.UnpackHigh(c, d);
        a = Sse2.UnpackLow(ab01.AsUInt64(), cd01.AsUInt64()).AsUInt32();
        b = Sse2.UnpackHigh(ab01.AsUInt64(), cd01.AsUInt64()).AsUInt32();
        c = Sse2.UnpackLow(ab23.AsUInt64(), cd23.AsUInt64()).AsUInt32();
        d = Sse2.UnpackHigh(ab23.AsUInt64(), cd23.AsUInt64()).AsUInt32();
    }
}
