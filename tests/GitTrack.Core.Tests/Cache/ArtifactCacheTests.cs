using System.Text;
using GitTrack.Core.Cache;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Cache;

/// <summary>Storing, reading back and verifying content in the artifact cache of a real repository.</summary>
public sealed class ArtifactCacheTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly ArtifactCache _cache;

    public ArtifactCacheTests() => _cache = ArtifactCache.Open(GitDirectories.Discover(_repo.Root));

    public void Dispose() => _repo.Dispose();

    private static byte[] Compressible(int size)
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < size; i++)
            text.Append($"{i},run-{i % 17},{i * 0.25:F2},{(i % 3 == 0 ? "train" : "eval")}\n");
        return Encoding.ASCII.GetBytes(text.ToString())[..size];
    }

    private static byte[] Incompressible(int size)
    {
        var bytes = new byte[size];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private byte[] ReadBack(Blake3Hash key)
    {
        using var stream = _cache.OpenRead(key);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    public static TheoryData<string, int> Sizes => new()
    {
        { "empty", 0 }, { "one byte", 1 }, { "small text", 1000 }, { "compressible", 20 << 20 },
        { "incompressible", 20 << 20 }, { "incompressible, not a block multiple", (9 << 20) + 12345 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Content_added_reads_back_byte_for_byte_under_its_blake3_key(string kind, int size)
    {
        var content = kind.StartsWith("incompressible") ? Incompressible(size) : Compressible(size);
        var key = _cache.AddStream(new MemoryStream(content));
        Assert.Equal(Blake3Hasher.Hash(content), key);
        Assert.True(_cache.Contains(key));
        Assert.Equal(content, ReadBack(key));
    }

    [Fact]
    public void Object_lives_under_the_common_dir_split_after_two_hex_digits()
    {
        var key = _cache.AddStream(new MemoryStream("hello"u8.ToArray()));
        var hex = key.ToString();
        Assert.True(File.Exists(Path.Combine(_repo.Root, ".git", "gittrack", "objects", hex[..2], hex[2..])));
    }

    [Fact]
    public void Compressible_content_is_stored_compressed_and_incompressible_content_raw()
    {
        var text = _cache.AddStream(new MemoryStream(Compressible(10 << 20)));
        Assert.True(new FileInfo(_cache.PathOf(text)).Length < (10 << 20) / 4);

        var noise = Incompressible(10 << 20);
        var raw = _cache.AddStream(new MemoryStream(noise));
        long stored = new FileInfo(_cache.PathOf(raw)).Length;
        // Raw blocks: a 6-byte frame header, 3 bytes per 128 KiB block, a 3-byte end block.
        Assert.Equal(noise.Length + 6 + 3 * (noise.Length / RawZstdFrameWriter.MaxBlockSize) + 3, stored);
        var head = new byte[6];
        using (var file = File.OpenRead(_cache.PathOf(raw)))
            file.ReadExactly(head);
        Assert.Equal(RawZstdFrameWriter.FrameHeader.ToArray(), head);
    }

    [Fact]
    public void Adding_the_same_content_twice_keeps_one_object_and_leaves_no_temporary_file()
    {
        var content = Compressible(100_000);
        var first = _cache.AddStream(new MemoryStream(content));
        var stored = File.ReadAllBytes(_cache.PathOf(first));
        File.SetLastWriteTimeUtc(_cache.PathOf(first), DateTime.UtcNow.AddDays(-3));
        var second = _cache.AddStream(new MemoryStream(content));
        Assert.Equal(first, second);
        Assert.Equal(stored, File.ReadAllBytes(_cache.PathOf(first)));
        // Not written again, but its time is refreshed: gc's grace period counts from the last add (docs/format.md).
        Assert.True(File.GetLastWriteTimeUtc(_cache.PathOf(first)) > DateTime.UtcNow.AddHours(-1));
        Assert.Single(_cache.EnumerateKeys());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_cache.ObjectsRoot, ObjectPath.TempFolderName)));
    }

    [Fact]
    public void Threads_adding_the_same_and_different_content_at_once_all_get_intact_objects()
    {
        var shared = Incompressible(3 << 20);
        var keys = new Blake3Hash[16];
        Parallel.For(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var cache = ArtifactCache.Open(GitDirectories.Discover(_repo.Root));
            keys[i] = cache.AddStream(new MemoryStream(i % 2 == 0 ? shared : Compressible(50_000 + i)));
        });
        Assert.All(keys.Where((_, i) => i % 2 == 0), k => Assert.Equal(Blake3Hasher.Hash(shared), k));
        Assert.Equal(9, _cache.EnumerateKeys().Count());
        Assert.All(_cache.EnumerateKeys(), k => Assert.True(_cache.Verify(k).IsIntact));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_cache.ObjectsRoot, ObjectPath.TempFolderName)));
    }

    [Fact]
    public void A_temporary_file_left_by_a_killed_write_does_not_break_later_adds()
    {
        var tempFolder = Path.Combine(_cache.ObjectsRoot, ObjectPath.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        var leftover = Path.Combine(tempFolder, "tmp-999999-0123456789ab");
        File.WriteAllBytes(leftover, Compressible(5000)[..1234]);

        var key = _cache.AddStream(new MemoryStream(Compressible(5000)));

        Assert.Equal(Compressible(5000), ReadBack(key));
        Assert.Equal([key], _cache.EnumerateKeys());
        Assert.True(File.Exists(leftover), "a recent temporary file may belong to a live writer and stays");
    }

    [Fact]
    public void Stale_temporary_files_are_removed()
    {
        var tempFolder = Path.Combine(_cache.ObjectsRoot, ObjectPath.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        var stale = Path.Combine(tempFolder, "tmp-999999-0123456789ab");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - ArtifactCache.StaleTempAge - TimeSpan.FromMinutes(1));

        _cache.AddStream(new MemoryStream([4, 5, 6]));

        Assert.False(File.Exists(stale));
    }

    private void Overwrite(Blake3Hash key, byte[] bytes)
    {
        var path = _cache.PathOf(key);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Object_holding_other_valid_content_is_reported_corrupt_on_read_and_by_verify()
    {
        var key = _cache.AddStream(new MemoryStream(Compressible(50_000)));
        var other = _cache.AddStream(new MemoryStream(Compressible(40_000)));
        Overwrite(key, File.ReadAllBytes(_cache.PathOf(other)));

        var error = Assert.Throws<CorruptDataException>(() => ReadBack(key));
        Assert.Contains($"corrupt object {key}", error.Message);
        var result = _cache.Verify(key);
        Assert.Equal(VerifyStatus.Corrupt, result.Status);
        Assert.Contains(other.ToString(), result.Problem);
        Assert.True(_cache.Verify(other).IsIntact);
    }

    [Fact]
    public void Flipped_byte_in_a_raw_object_is_detected()
    {
        var content = Incompressible(1 << 20);
        var key = _cache.AddStream(new MemoryStream(content));
        var stored = File.ReadAllBytes(_cache.PathOf(key));
        stored[stored.Length / 2] ^= 0x01;
        Overwrite(key, stored);
        Assert.Throws<CorruptDataException>(() => ReadBack(key));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Truncated_object_is_detected(bool compressible)
    {
        var content = compressible ? Compressible(1 << 20) : Incompressible(1 << 20);
        var key = _cache.AddStream(new MemoryStream(content));
        var stored = File.ReadAllBytes(_cache.PathOf(key));
        Overwrite(key, stored[..(stored.Length * 2 / 3)]);

        var error = Assert.Throws<CorruptDataException>(() => ReadBack(key));
        Assert.Contains(key.ToString(), error.Message);
        Assert.Equal(VerifyStatus.Corrupt, _cache.Verify(key).Status);
    }

    [Fact]
    public void Garbage_object_is_corrupt_not_a_crash()
    {
        var key = _cache.AddStream(new MemoryStream(Compressible(1000)));
        Overwrite(key, Encoding.ASCII.GetBytes("this is not zstd at all"));
        Assert.Throws<CorruptDataException>(() => ReadBack(key));
        Assert.Equal(VerifyStatus.Corrupt, _cache.Verify(key).Status);
    }

    [Fact]
    public void Restore_writes_the_file_and_a_corrupt_object_leaves_the_target_untouched()
    {
        var content = Incompressible(3 << 20);
        var key = _cache.AddStream(new MemoryStream(content));
        var target = _repo.PathOf("out/model.bin");
        Assert.Equal(content.Length, _cache.RestoreTo(key, target));
        Assert.Equal(content, File.ReadAllBytes(target));

        File.WriteAllText(target, "previous");
        var stored = File.ReadAllBytes(_cache.PathOf(key));
        stored[^10] ^= 0xff;
        Overwrite(key, stored);
        Assert.Throws<CorruptDataException>(() => _cache.RestoreTo(key, target));
        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal(["model.bin"], Directory.EnumerateFileSystemEntries(_repo.PathOf("out")).Select(Path.GetFileName));
    }

    [Fact]
    public void Verify_reports_a_missing_key_as_missing()
    {
        var key = Blake3Hasher.Hash("never added"u8);
        Assert.Equal(VerifyStatus.Missing, _cache.Verify(key).Status);
        Assert.Throws<NotFoundException>(() => _cache.OpenRead(key));
    }

    [Fact]
    public void Prefix_resolves_to_the_one_key_it_starts_and_lists_candidates_when_ambiguous()
    {
        var a = _cache.AddStream(new MemoryStream("first"u8.ToArray()));
        var other = _cache.AddStream(new MemoryStream("second"u8.ToArray()));
        var hexA = a.ToString();
        Assert.Equal(a, _cache.ResolvePrefix(hexA[..4]));
        Assert.Equal(a, _cache.ResolvePrefix(hexA[..12].ToUpperInvariant()));
        Assert.Equal(a, _cache.ResolvePrefix(hexA));
        Assert.Equal(other, _cache.ResolvePrefix(other.ToString()[..8]));

        // A second object name sharing hexA's first 6 digits (two real keys sharing that many would take millions of adds).
        var twin = hexA[..6] + (hexA[6] == '0' ? new string('1', 58) : new string('0', 58));
        File.Copy(_cache.PathOf(a), Path.Combine(_cache.ObjectsRoot, twin[..2], twin[2..]));
        var ambiguous = Assert.Throws<AmbiguousException>(() => _cache.ResolvePrefix(hexA[..6]));
        Assert.Equal(new[] { hexA, twin }.Order(StringComparer.Ordinal), ambiguous.Candidates);
        Assert.Equal(a, _cache.ResolvePrefix(hexA[..7]));

        var unused = Enumerable.Range(0, 65536).Select(i => i.ToString("x4"))
            .First(p => !_cache.EnumerateKeys().Any(k => k.ToString().StartsWith(p, StringComparison.Ordinal)));
        Assert.Throws<NotFoundException>(() => _cache.ResolvePrefix(unused));
        Assert.Throws<InvalidInputException>(() => _cache.ResolvePrefix("abc"));
        Assert.Throws<InvalidInputException>(() => _cache.ResolvePrefix("xyz12345"));
    }
}
