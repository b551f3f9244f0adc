using System.Text;
using GitTrack.Core.Hashing;

namespace GitTrack.Core.Tests.Hashing;

/// <summary>
/// Every compression backend (forced, whatever the hardware accelerates: a Vector512 that the CPU lacks runs in
/// software) and the multi-threaded path give the official vectors and agree with scalar code on large inputs.
/// </summary>
public class Blake3BackendTests
{
    /// <summary>The backends by name, plus "Parallel": UpdateParallel splitting down to 2-chunk subtrees.</summary>
    private static readonly string[] Paths = ["Scalar", "Vector128", "Vector256", "Vector512", "Parallel", "ParallelVector512"];

    public static IEnumerable<object[]> PathsAndLengths() =>
        from path in Paths
        from vector in Blake3TestVectorTests.Vectors.Value.Cases
        select new object[] { path, vector.InputLen };

    public static IEnumerable<object[]> PathsOnly() => Paths.Select(p => new object[] { p });

    private static Blake3Hasher Prepare(Blake3Hasher hasher, string path)
    {
        hasher.Backend = path switch
        {
            "Parallel" => Blake3Backend.Auto,
            "ParallelVector512" => Blake3Backend.Vector512,
            _ => Enum.Parse<Blake3Backend>(path),
        };
        return hasher;
    }

    private static void Feed(Blake3Hasher hasher, string path, ReadOnlySpan<byte> input)
    {
        if (path.StartsWith("Parallel", StringComparison.Ordinal))
            hasher.UpdateParallel(input, minParallelChunks: 2);
        else
            hasher.Update(input);
    }

    private static string Extended(Blake3Hasher hasher, int hexLength)
    {
        var output = new byte[hexLength / 2];
        hasher.Finalize(output);
        return Convert.ToHexStringLower(output);
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Every_backend_matches_the_vectors_in_all_three_modes(string path, int length)
    {
        var vector = Blake3TestVectorTests.Case(length);
        var (key, context, _) = Blake3TestVectorTests.Vectors.Value;
        var input = Blake3TestVectorTests.Input(length);

        var hasher = Prepare(Blake3Hasher.Create(), path);
        Feed(hasher, path, input);
        Assert.Equal(vector.Hash, Extended(hasher, vector.Hash.Length));

        var keyed = Prepare(Blake3Hasher.CreateKeyed(Encoding.ASCII.GetBytes(key)), path);
        Feed(keyed, path, input);
        Assert.Equal(vector.KeyedHash, Extended(keyed, vector.KeyedHash.Length));

        var derive = Prepare(Blake3Hasher.CreateDeriveKey(context), path);
        Feed(derive, path, input);
        Assert.Equal(vector.DeriveKey, Extended(derive, vector.DeriveKey.Length));
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Every_backend_matches_the_vectors_when_fed_in_odd_pieces(string path, int length)
    {
        var input = Blake3TestVectorTests.Input(length);
        var hasher = Prepare(Blake3Hasher.Create(), path);
        int offset = 0, piece = 1;
        while (offset < input.Length)
        {
            int take = Math.Min(piece, input.Length - offset);
            Feed(hasher, path, input.AsSpan(offset, take));
            offset += take;
            piece = piece * 3 + 1;
        }
        Assert.Equal(Blake3TestVectorTests.Case(length).Hash, Extended(hasher, Blake3TestVectorTests.Case(length).Hash.Length));
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Every_backend_matches_the_vectors_when_fed_in_whole_chunks_and_finalized_on_the_way(string path, int length)
    {
        // Pieces of whole chunks end exactly on subtree boundaries, where the hasher keeps the last subtree pending
        // in case it is the root's child; finalizing between pieces must not disturb that.
        var input = Blake3TestVectorTests.Input(length);
        var hasher = Prepare(Blake3Hasher.Create(), path);
        foreach (var chunk in input.Chunk(2048))
        {
            Feed(hasher, path, chunk);
            hasher.Finalize();
        }
        Assert.Equal(Blake3TestVectorTests.Case(length).Hash, Extended(hasher, Blake3TestVectorTests.Case(length).Hash.Length));
    }

    public static IEnumerable<object[]> LargeSizes() =>
        from size in new[] { (1 << 20) + 1, (1 << 20) + 7 * 1025 + 3, 3 << 20 }
        from path in Paths
        select new object[] { path, size };

    [Theory]
    [MemberData(nameof(LargeSizes))]
    public void Large_random_inputs_hash_as_the_scalar_code_does(string path, int size)
    {
        var input = new byte[size];
        new Random(size).NextBytes(input);
        var key = new byte[Blake3Hasher.KeyLength];
        new Random(7).NextBytes(key);

        var scalar = Blake3Hasher.Create();
        scalar.Backend = Blake3Backend.Scalar;
        scalar.Update(input);
        var expected = Extended(scalar, 262);

        var whole = Prepare(Blake3Hasher.Create(), path);
        Feed(whole, path, input);
        Assert.Equal(expected, Extended(whole, 262));

        // Pieces that leave the chunk counter unaligned to large subtrees: 1000 bytes, then odd sizes.
        var pieces = Prepare(Blake3Hasher.Create(), path);
        int offset = 0;
        foreach (int piece in new[] { 1000, 300_001, 65_536, 1 })
        {
            Feed(pieces, path, input.AsSpan(offset, piece));
            offset += piece;
        }
        Feed(pieces, path, input.AsSpan(offset));
        Assert.Equal(expected, Extended(pieces, 262));

        // As a stream is read: power-of-two buffers, each ending on a subtree boundary.
        foreach (int bufferSize in new[] { 1024, 4096, 65_536 })
        {
            var streamed = Prepare(Blake3Hasher.Create(), path);
            foreach (var buffer in input.Chunk(bufferSize))
                Feed(streamed, path, buffer);
            Assert.Equal(expected, Extended(streamed, 262));
        }

        var scalarKeyed = Blake3Hasher.CreateKeyed(key);
        scalarKeyed.Backend = Blake3Backend.Scalar;
        scalarKeyed.Update(input);
        var keyed = Prepare(Blake3Hasher.CreateKeyed(key), path);
        Feed(keyed, path, input);
        Assert.Equal(scalarKeyed.Finalize(), keyed.Finalize());
    }

    [Fact]
    public void HashParallel_and_the_public_UpdateParallel_give_the_single_threaded_hash()
    {
        var input = new byte[(5 << 20) + 333];
        new Random(42).NextBytes(input);
        var expected = Blake3Hasher.Hash(input);
        Assert.Equal(expected, Blake3Hasher.HashParallel(input));

        var hasher = Blake3Hasher.Create();
        hasher.Update(input.AsSpan(0, 12_345));
        hasher.UpdateParallel(input.AsSpan(12_345));
        Assert.Equal(expected, hasher.Finalize());
    }
}
