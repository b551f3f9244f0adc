using System.Text;
using GitTrack.Core.Cache;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Cache;

/// <summary>Cache objects are plain zstd streams of the content: the reference tools read them without GitTrack.</summary>
public sealed class CacheInteropTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly ArtifactCache _cache;

    public CacheInteropTests() => _cache = ArtifactCache.Open(GitDirectories.Discover(_repo.Root));

    public void Dispose() => _repo.Dispose();

    public static TheoryData<string> Contents => new() { "empty", "text", "noise", "mixed" };

    private static byte[] Make(string kind)
    {
        var noise = new byte[(9 << 20) + 777];
        new Random(7).NextBytes(noise);
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 300_000).Select(i => $"{i};{i % 13}\n")));
        return kind switch
        {
            "empty" => [],
            "text" => text,
            "noise" => noise,
            _ => [.. noise, .. text], // starts incompressible, so stored raw, then text
        };
    }

    [SkippableTheory]
    [MemberData(nameof(Contents))]
    public void Zstd_decompresses_an_object_to_content_whose_b3sum_is_the_key(string kind)
    {
        Requirement.That(ProcessRunner.IsOnPath("zstd") && ProcessRunner.IsOnPath("b3sum"), "needs zstd and b3sum on PATH");
        var key = _cache.AddStream(new MemoryStream(Make(kind)));

        var result = ProcessRunner.Run("bash", ["-c", "zstd -dc \"$0\" | b3sum", _cache.PathOf(key)], _repo.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{key}  -", result.Stdout.Trim());
    }

    [SkippableFact]
    public void A_file_compressed_by_zstd_decodes_the_same_way_through_the_verifying_reader()
    {
        Requirement.That(ProcessRunner.IsOnPath("zstd"), "needs zstd on PATH");
        var content = Make("mixed");
        var file = _repo.WriteFile("mixed.bin", content);
        var key = Blake3Hasher.Hash(content);
        var objectPath = _cache.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(objectPath)!);
        var result = ProcessRunner.Run("zstd", ["-q", "-19", "-T2", file, "-o", objectPath], _repo.Root);
        Assert.Equal(0, result.ExitCode);

        Assert.True(_cache.Verify(key).IsIntact);
        Assert.Equal(content.Length, _cache.CopyTo(key, Stream.Null));
    }
}
