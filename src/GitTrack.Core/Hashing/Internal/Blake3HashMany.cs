using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>
/// BLAKE3's "hash_many": hashes several equally long inputs at once, one per SIMD lane, as the reference
/// implementation does. Whole 1 KiB chunks (16 blocks) give chunk chaining values; 64-byte pairs of child chaining
/// values (1 block) give parent chaining values. Inputs that do not fill a vector go to narrower vectors, then scalar.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3HashMany
{
    /// <summary>The widest backend this machine accelerates.</summary>
    public static Blake3Backend Best { get; } =
        Vector512.IsHardwareAccelerated ? Blake3Backend.Vector512
        : Vector256.IsHardwareAccelerated ? Blake3Backend.Vector256
        : Vector128.IsHardwareAccelerated ? Blake3Backend.Vector128
        : Blake3Backend.Scalar;

    public static Blake3Backend Resolve(Blake3Backend backend) => backend == Blake3Backend.Auto ? Best : backend;

    /// <summary>
    /// Hashes <paramref name="count"/> inputs of <paramref name="blocks"/> 64-byte blocks each, laid end to end from
    /// <paramref name="input"/>, writing one 32-byte chaining value per input to <paramref name="output"/>.
    /// Input i uses counter <c>counter + i</c> when <paramref name="incrementCounter"/> (chunks), else <c>counter</c> (parents).
    /// <paramref name="output"/> may overlap <paramref name="input"/> as long as it does not run ahead of it.
    /// </summary>
    public static void Hash(byte* input, int count, int blocks, uint* key, ulong counter, bool incrementCounter,
        uint flags, uint flagsStart, uint flagsEnd, byte* output, Blake3Backend backend)
    {
        nint stride = blocks * Blake3Hasher.BlockLen;
        backend = Resolve(backend);
        if (backend >= Blake3Backend.Vector512)
            Run<Lanes512, Vector512<uint>>(ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        if (backend >= Blake3Backend.Vector256)
            Run<Lanes256, Vector256<uint>>(ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        if (backend >= Blake3Backend.Vector128)
            Run<Lanes128, Vector128<uint>>(ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        for (; count > 0; count--)
        {
            HashOne(input, blocks, key, counter, flags, flagsStart, flagsEnd, output);
            input += stride;
            output += 32;
            if (incrementCounter)
                counter++;
        }
    }

    private static void Run<TL, TV>(ref byte* input, ref int count, nint stride, int blocks, uint* key, ref ulong counter,
        bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, ref byte* output)
        where TL : struct, ILanes<TV> where TV : unmanaged
    {
        int lanes = TL.Count;
        while (count >= lanes)
        {
            Kernel<TL, TV>(input, stride, blocks, key, counter, incrementCounter, flags, flagsStart, flagsEnd, output);
            input += lanes * stride;
            output += lanes * 32;
            count -= lanes;
            if (incrementCounter)
                counter += (ulong)lanes;
        }
    }

    /// <summary>One input at a time with the scalar compression function.</summary>
    private static void HashOne(byte* input, int blocks, uint* key, ulong counter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        Span<uint> cv = stackalloc uint[8];
        Span<uint> words = stackalloc uint[16];
        Span<uint> result = stackalloc uint[16];
        new ReadOnlySpan<uint>(key, 8).CopyTo(cv);
        for (int b = 0; b < blocks; b++)
        {
            Blake3Compress.WordsFromBlock(new ReadOnlySpan<byte>(input + b * Blake3Hasher.BlockLen, Blake3Hasher.BlockLen), words);
            uint blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            Blake3Compress.Compress(cv, words, counter, Blake3Hasher.BlockLen, blockFlags, result);
            result[..8].CopyTo(cv);
        }
        for (int i = 0; i < 8; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(output + 4 * i, 4), cv[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<TL, TV>(ref TV a, ref TV b, ref TV c, ref TV d, TV mx, TV my)
        where TL : struct, ILanes<TV> where TV : unmanaged
    {
        a = TL.Add(TL.Add(a, b), mx);
        d = TL.RotateRight16(TL.Xor(d, a));
        c = TL.Add(c, d);
        b = TL.RotateRight12(TL.Xor(b, c));
        a = TL.Add(TL.Add(a, b), my);
        d = TL.RotateRight8(TL.Xor(d, a));
        c = TL.Add(c, d);
        b = TL.RotateRight7(TL.Xor(b, c));
    }

    /// <summary>TL.Count inputs at once: the 16 state words are vectors in locals, lane i holding input i.</summary>
    private static void Kernel<TL, TV>(byte* input, nint stride, int blocks, uint* key, ulong counter, bool incrementCounter,
        uint flags, uint flagsStart, uint flagsEnd, byte* output)
        where TL : struct, ILanes<TV> where TV : unmanaged
    {
        int lanes = TL.Count;
        TV* m = stackalloc TV[16];
        uint* counters = stackalloc uint[32];
        for (int i = 0; i < lanes; i++)
        {
            ulong c = counter + (incrementCounter ? (ulong)i : 0);
            counters[i] = (uint)c;
            counters[16 + i] = (uint)(c >> 32);
        }
        TV counterLow = TL.Load(counters), counterHigh = TL.Load(counters + 16);
        TV h0 = TL.Splat(key[0]), h1 = TL.Splat(key[1]), h2 = TL.Splat(key[2]), h3 = TL.Splat(key[3]);
        TV h4 = TL.Splat(key[4]), h5 = TL.Splat(key[5]), h6 = TL.Splat(key[6]), h7 = TL.Splat(key[7]);
        for (int b = 0; b < blocks; b++)
        {
            TL.LoadMessage(input, stride, b * Blake3Hasher.BlockLen, m);
            uint blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            TV v0 = h0, v1 = h1, v2 = h2, v3 = h3, v4 = h4, v5 = h5, v6 = h6, v7 = h7;
            TV v8 = TL.Splat(0x6A09E667), v9 = TL.Splat(0xBB67AE85), v10 = TL.Splat(0x3C6EF372), v11 = TL.Splat(0xA54FF53A);
            TV v12 = counterLow, v13 = counterHigh, v14 = TL.Splat(Blake3Hasher.BlockLen), v15 = TL.Splat(blockFlags);

            // round 1
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[0], m[1]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[2], m[3]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[4], m[5]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[6], m[7]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[8], m[9]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[10], m[11]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[12], m[13]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[14], m[15]);
            // round 2
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[2], m[6]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[3], m[10]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[7], m[0]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[4], m[13]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[1], m[11]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[12], m[5]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[9], m[14]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[15], m[8]);
            // round 3
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[3], m[4]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[10], m[12]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[13], m[2]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[7], m[14]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[6], m[5]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[9], m[0]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[11], m[15]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[8], m[1]);
            // round 4
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[10], m[7]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[12], m[9]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[14], m[3]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[13], m[15]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[4], m[0]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[11], m[2]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[5], m[8]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[1], m[6]);
            // round 5
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[12], m[13]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[9], m[11]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[15], m[10]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[14], m[8]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[7], m[2]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[5], m[3]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[0], m[1]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[6], m[4]);
            // round 6
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[9], m[14]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[11], m[5]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[8], m[12]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[15], m[1]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[13], m[3]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[0], m[10]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[2], m[6]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[4], m[7]);
            // round 7
            G<TL, TV>(ref v0, ref v4, ref v8, ref v12, m[11], m[15]);
            G<TL, TV>(ref v1, ref v5, ref v9, ref v13, m[5], m[0]);
            G<TL, TV>(ref v2, ref v6, ref v10, ref v14, m[1], m[9]);
            G<TL, TV>(ref v3, ref v7, ref v11, ref v15, m[8], m[6]);
            G<TL, TV>(ref v0, ref v5, ref v10, ref v15, m[14], m[10]);
            G<TL, TV>(ref v1, ref v6, ref v11, ref v12, m[2], m[12]);
            G<TL, TV>(ref v2, ref v7, ref v8, ref v13, m[3], m[4]);
            G<TL, TV>(ref v3, ref v4, ref v9, ref v14, m[7], m[13]);

            h0 = TL.Xor(v0, v8); h1 = TL.Xor(v1, v9); h2 = TL.Xor(v2, v10); h3 = TL.Xor(v3, v11);
            h4 = TL.Xor(v4, v12); h5 = TL.Xor(v5, v13); h6 = TL.Xor(v6, v14); h7 = TL.Xor(v7, v15);
        }
        m[0] = h0; m[1] = h1; m[2] = h2; m[3] = h3; m[4] = h4; m[5] = h5; m[6] = h6; m[7] = h7;
        TL.StoreChainingValues(m, output);
    }
}
