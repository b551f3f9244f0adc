using System.Globalization;
using GitTrack.Core.Cache;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Cache;

/// <summary>The stat index: an unchanged file is not read again, any change is noticed.</summary>
public sealed class CacheStatIndexTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly GitDirectories _dirs;

    public CacheStatIndexTests() => _dirs = GitDirectories.Discover(_repo.Root);

    public void Dispose() => _repo.Dispose();

    private static readonly DateTime Past = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private string WriteOld(string name, string content)
    {
        var path = _repo.WriteFile(name, content);
        File.SetLastWriteTimeUtc(path, Past); // older than the racy window, as a file written earlier is
        return path;
    }

    [Fact]
    public void Second_add_of_an_unchanged_file_uses_the_index_and_a_fresh_cache_instance_sees_it()
    {
        var path = WriteOld("data.csv", "a,b\n1,2\n");
        var key = ArtifactCache.Open(_dirs).AddFile(path);
        Assert.True(File.Exists(ArtifactCache.Open(_dirs).StatIndexPath));

        // Prove the second add does not read the file: point its index entry at another stored object, with that
        // object's stamp (the format is documented in docs/format.md); only an add that trusts the index returns that key.
        var other = ArtifactCache.Open(_dirs).AddStream(new MemoryStream("something else"u8.ToArray()));
        var indexPath = ArtifactCache.Open(_dirs).StatIndexPath;
        var lines = File.ReadAllText(indexPath).Split('\n');
        var fields = lines[1].Split(' ', 12);
        var stamp = FileStamp.Of(ArtifactCache.Open(_dirs).PathOf(other));
        var inv = CultureInfo.InvariantCulture;
        string[] objectFields = [stamp.Size.ToString(inv), stamp.MtimeNs.ToString(inv), stamp.CtimeNs.ToString(inv), stamp.Device.ToString(inv),
            stamp.HasInode ? stamp.Inode.ToString(inv) : "-"];
        lines[1] = string.Join(' ', [other.ToString(), .. fields[1..6], .. objectFields, fields[11]]);
        File.WriteAllText(indexPath, string.Join('\n', lines));
        Assert.Equal(other, ArtifactCache.Open(_dirs).AddFile(path));
    }

    [Fact]
    public void An_object_changed_since_the_index_saw_it_is_not_trusted_and_a_damaged_one_is_replaced()
    {
        var path = WriteOld("data.csv", "a,b\n1,2\n");
        var key = ArtifactCache.Open(_dirs).AddFile(path);
        var objectPath = ArtifactCache.Open(_dirs).PathOf(key);
        var mtime = File.GetLastWriteTimeUtc(objectPath);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(objectPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(objectPath, new byte[new FileInfo(objectPath).Length]); // same size, and the time set back
        File.SetLastWriteTimeUtc(objectPath, mtime);
        Assert.False(ArtifactCache.Open(_dirs).Verify(key).IsIntact);

        Assert.Equal(key, ArtifactCache.Open(_dirs).AddFile(path));

        Assert.True(ArtifactCache.Open(_dirs).Verify(key).IsIntact);
    }

    [Fact]
    public void Changed_content_with_the_same_size_and_modification_time_is_read_again()
    {
        var path = WriteOld("data.csv", "a,b\n1,2\n");
        var first = ArtifactCache.Open(_dirs).AddFile(path);

        WriteOld("data.csv", "a,b\n3,4\n"); // same size, same mtime: only the change time (and inode) tell
        var second = ArtifactCache.Open(_dirs).AddFile(path);

        Assert.NotEqual(first, second);
        Assert.Equal(Blake3Hasher.Hash("a,b\n3,4\n"u8), second);
    }

    [Fact]
    public void A_hit_whose_object_was_deleted_adds_the_file_again()
    {
        var path = WriteOld("model.bin", "weights");
        var cache = ArtifactCache.Open(_dirs);
        var key = cache.AddFile(path);
        File.Delete(cache.PathOf(key));

        Assert.Equal(key, ArtifactCache.Open(_dirs).AddFile(path));
        Assert.True(cache.Verify(key).IsIntact);
    }

    [Fact]
    public void A_file_modified_just_now_is_not_remembered()
    {
        var path = _repo.WriteFile("fresh.txt", "just written");
        var cache = ArtifactCache.Open(_dirs);
        cache.AddFile(path);
        Assert.False(File.Exists(cache.StatIndexPath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\n\0\0\0")]
    [InlineData("gittrack-stat-index 2\nnot a valid line\n")]
    [InlineData("gittrack-stat-index 1\naf1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262 4 0 0 0 - /x\n")]
    public void A_damaged_index_is_ignored_and_rewritten(string damage)
    {
        var cache = ArtifactCache.Open(_dirs);
        Directory.CreateDirectory(Path.GetDirectoryName(cache.StatIndexPath)!);
        File.WriteAllText(cache.StatIndexPath, damage);
        var path = WriteOld("data.csv", "x,y\n");

        Assert.Equal(Blake3Hasher.Hash("x,y\n"u8), cache.AddFile(path));
        Assert.StartsWith("gittrack-stat-index 2\n", File.ReadAllText(cache.StatIndexPath));
        var line = File.ReadAllText(cache.StatIndexPath).Split('\n')[1];
        Assert.EndsWith(" " + path, line);
        if (OperatingSystem.IsLinux())
            Assert.DoesNotContain(" - ", line); // statx gave the inode
    }
}
