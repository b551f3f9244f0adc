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
            Run(&Blake3Kernel512.HashMany, Blake3Kernel512.Lanes, ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        if (backend >= Blake3Backend.Vector256)
            Run(&Blake3Kernel256.HashMany, Blake3Kernel256.Lanes, ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        if (backend >= Blake3Backend.Vector128)
            Run(&Blake3Kernel128.HashMany, Blake3Kernel128.Lanes, ref input, ref count, stride, blocks, key, ref counter, incrementCounter, flags, flagsStart, flagsEnd, ref output);
        for (; count > 0; count--)
        {
            HashOne(input, blocks, key, counter, flags, flagsStart, flagsEnd, output);
            input += stride;
            output += 32;
            if (incrementCounter)
                counter++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(delegate*<byte*, nint, int, uint*, ulong, bool, uint, uint, uint, byte*, void> kernel, int lanes,
        ref byte* input, ref int count, nint stride, int blocks, uint* key, ref ulong counter,
        bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, ref byte* output)
    {
        while (count >= lanes)
        {
            kernel(input, stride, blocks, key, counter, incrementCounter, flags, flagsStart, flagsEnd, output);
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
}
