namespace GitTrack.Core.Hashing.Internal;

/// <summary>
/// The vector operations the many-inputs BLAKE3 kernel needs, for one vector width. Lane i of every vector belongs
/// to input i; implementations are structs so the JIT compiles the kernel once per width with everything inlined.
/// </summary>
internal unsafe interface ILanes<TV> where TV : unmanaged
{
    /// <summary>How many inputs one call hashes (lanes per vector).</summary>
    static abstract int Count { get; }

    static abstract TV Splat(uint value);

    static abstract TV Load(uint* source);

    static abstract TV Add(TV a, TV b);

    static abstract TV Xor(TV a, TV b);

    static abstract TV RotateRight16(TV x);

    static abstract TV RotateRight12(TV x);

    static abstract TV RotateRight8(TV x);

    static abstract TV RotateRight7(TV x);

    /// <summary>Loads one 64-byte block from each input (input i at <c>input + i * stride + offset</c>) transposed: m[w] lane i is word w of input i.</summary>
    static abstract void LoadMessage(byte* input, nint stride, nint offset, TV* m);

    /// <summary>Writes the chaining values h[0..8) back as <see cref="Count"/> consecutive 32-byte values.</summary>
    static abstract void StoreChainingValues(TV* h, byte* output);
}
