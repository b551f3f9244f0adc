using System.Buffers.Binary;

namespace GitTrack.Core.Hashing.Internal;

/// <summary>Element-by-element transposes for hardware without the shuffle instructions the lane types use.</summary>
internal static unsafe class LanesFallback
{
    public static void LoadMessage(byte* input, nint stride, nint offset, uint* m, int lanes)
    {
        for (int lane = 0; lane < lanes; lane++)
        {
            byte* block = input + lane * stride + offset;
            for (int w = 0; w < 16; w++)
                m[w * lanes + lane] = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(block + 4 * w, 4));
        }
    }

    public static void StoreChainingValues(uint* h, byte* output, int lanes)
    {
        for (int lane = 0; lane < lanes; lane++)
            for (int w = 0; w < 8; w++)
                BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(output + 32 * lane + 4 * w, 4), h[w * lanes + lane]);
    }
}
