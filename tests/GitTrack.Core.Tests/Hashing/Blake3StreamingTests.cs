using GitTrack.Core.Hashing;

namespace GitTrack.Core.Tests.Hashing;

/// <summary>
/// The cache's hash fed as the cache feeds it (a file in 8 MiB blocks on add, decompressed pieces on a verified read)
/// gives the hash of the whole input, on inputs past the sizes the official vectors cover (100 KiB): whole, in pieces
/// that leave the chunk counter unaligned, in power-of-two blocks, with a hash taken between blocks; and equals the
/// package's multi-threaded path, so that either may name the same object.
/// </summary>
public class Blake3StreamingTests
{
    public static IEnumerable<object[]> Sizes() =>
        new[] { (1 << 20) + 1, (1 << 20) + 7 * 1025 + 3, (3 << 20) + 333, (17 << 20) + 5 }.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Feeding_in_pieces_gives_the_whole_inputs_hash(int size)
    {
        var input = new byte[size];
        new Random(size).NextBytes(input);
        var expected = Blake3Hasher.Hash(input);

        using var pieces = Blake3Hasher.Create();
        int offset = 0;
        foreach (int piece in new[] { 1000, 300_001, 65_536, 1 })
        {
            pieces.Update(input.AsSpan(offset, piece));
            offset += piece;
        }
        pieces.Update(input.AsSpan(offset));
        Assert.Equal(expected, pieces.Finalize());

        // As a stream is read: power-of-two buffers, with a hash taken between them (Finalize does not end the hasher).
        foreach (int bufferSize in new[] { 4096, 1 << 20, 8 << 20 })
        {
            using var streamed = Blake3Hasher.Create();
            foreach (var buffer in input.Chunk(bufferSize))
            {
                streamed.Update(buffer);
                streamed.Finalize();
            }
            Assert.Equal(expected, streamed.Finalize());
        }

        using var joined = Blake3.Hasher.New();
        joined.UpdateWithJoin(input);
        Assert.Equal(expected.ToString(), joined.Finalize().ToString());
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
