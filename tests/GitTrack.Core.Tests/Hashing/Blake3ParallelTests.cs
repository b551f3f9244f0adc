using GitTrack.Core.Hashing;

namespace GitTrack.Core.Tests.Hashing;

/// <summary>
/// The multi-threaded path the cache takes (<see cref="Blake3Hasher.UpdateParallel"/>, the package's
/// <c>UpdateWithJoin</c>) gives the single-threaded hash on inputs large enough to be split, whole, in unaligned
/// pieces and in the power-of-two blocks a file stream gives. The official vectors stop at 100 KiB, below the size the
/// package splits, so these cover what the vectors cannot.
/// </summary>
public class Blake3ParallelTests
{
    public static IEnumerable<object[]> Sizes() =>
        new[] { (1 << 20) + 1, (1 << 20) + 7 * 1025 + 3, (3 << 20) + 333, 9 << 20 }.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_parallel_path_gives_the_serial_hash(int size)
    {
        var input = new byte[size];
        new Random(size).NextBytes(input);
        using var serial = Blake3.Hasher.New();
        serial.Update(input);
        var expected = serial.Finalize().ToString();

        Assert.Equal(expected, Blake3Hasher.HashParallel(input).ToString());

        // Pieces that leave the chunk counter unaligned to large subtrees, then the rest in one call.
        using var pieces = Blake3Hasher.Create();
        int offset = 0;
        foreach (int piece in new[] { 1000, 300_001, 65_536, 1 })
        {
            pieces.UpdateParallel(input.AsSpan(offset, piece));
            offset += piece;
        }
        pieces.UpdateParallel(input.AsSpan(offset));
        Assert.Equal(expected, pieces.Finalize().ToString());

        // As a stream is read: power-of-two buffers, with a hash taken between them (Finalize does not end the hasher).
        foreach (int bufferSize in new[] { 4096, 262_144, 8 << 20 })
        {
            using var streamed = Blake3Hasher.Create();
            foreach (var buffer in input.Chunk(bufferSize))
            {
                streamed.UpdateParallel(buffer);
                streamed.Finalize();
            }
            Assert.Equal(expected, streamed.Finalize().ToString());
        }
    }

    [Fact]
    public void Reset_starts_over()
    {
        using var hasher = Blake3Hasher.Create();
        hasher.Update("something else"u8);
        hasher.Reset();
        hasher.Update("abc"u8);
        Assert.Equal(Blake3Hasher.Hash("abc"u8), hasher.Finalize());
    }
}
