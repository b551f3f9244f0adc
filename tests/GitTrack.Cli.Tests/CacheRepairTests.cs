using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// An object damaged on disk (a bad sector, a stray write) must not be trusted by the next add of the same content:
/// the add replaces it, so adding again (or re-running the training that made the file) repairs the cache, through the
/// stat index's shortcut too.
/// </summary>
public sealed class CacheRepairTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string ObjectPath(string key) => _repo.PathOf($".git/gittrack/objects/{key[..2]}/{key[2..]}");

    public static TheoryData<string, bool> Damages => new()
    {
        { "flip", false }, { "flip", true }, { "truncate", false }, { "truncate", true }, { "garbage", true }, { "empty", true },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Adding_the_same_content_again_replaces_a_corrupt_object(string damage, bool oldFile)
    {
        var content = new byte[300_000];
        new Random(7).NextBytes(content);
        Array.Fill(content, (byte)'a', 0, 150_000); // partly compressible: stored compressed
        var file = _repo.WriteFile("model.bin", content);
        // An hour old: the stat index remembers it; an hour ahead: too recent ever to be remembered ("racily clean").
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(oldFile ? -1 : 1));
        var key = Add();
        Assert.Equal(oldFile, File.Exists(_repo.PathOf(".git/gittrack/stat-index")));

        Damage(ObjectPath(key), damage);
        Assert.NotEqual(0, GitTrackProcess.Run(_repo, "cache", "verify", key).ExitCode);

        Assert.Equal(key, Add());

        var verify = GitTrackProcess.Run(_repo, "cache", "verify");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        var restored = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "restored.bin");
        Assert.Equal(0, GitTrackProcess.Run(_repo, "cache", "cat", key, "-o", restored).ExitCode);
        Assert.Equal(content, File.ReadAllBytes(restored));
        // Healthy again: the next add takes the shortcut and leaves the object alone.
        var repaired = File.GetLastWriteTimeUtc(ObjectPath(key));
        Assert.Equal(key, Add());
        Assert.Equal(repaired, File.GetLastWriteTimeUtc(ObjectPath(key)));
    }

    [Fact]
    public void A_rerun_of_the_training_repairs_the_damaged_model_object()
    {
        _repo.WriteFile(".gitignore", "models/\n");
        _repo.WriteFile("train.sh", "mkdir -p models\nhead -c 200000 /dev/zero | tr '\\0' 'w' > models/model.bin\n");
        _repo.Commit("training");
        Assert.Equal(0, GitTrackProcess.Run(_repo, "run", "-n", "first", "-a", "models/model.bin", "--", "sh", "train.sh").ExitCode);
        var key = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("artifacts")[0].GetProperty("blake3").GetString()!;
        Damage(ObjectPath(key), "flip");

        Assert.Equal(0, GitTrackProcess.Run(_repo, "run", "-n", "second", "-a", "models/model.bin", "--", "sh", "train.sh").ExitCode);

        Assert.Equal(0, GitTrackProcess.Run(_repo, "cache", "verify", key).ExitCode);
        File.Delete(_repo.PathOf("models/model.bin"));
        var checkout = GitTrackProcess.Run(_repo, "checkout", "first", "--artifacts-only");
        Assert.True(checkout.ExitCode == 0, checkout.Stderr);
        Assert.Equal(new string('w', 200_000), File.ReadAllText(_repo.PathOf("models/model.bin")));
    }

    private string Add()
    {
        var add = GitTrackProcess.Run(_repo, "cache", "add", "model.bin");
        Assert.True(add.ExitCode == 0, add.Stderr);
        return add.Stdout[..64];
    }

    /// <summary>Damages an object in place, as a disk or another program could (objects are read-only: made writable first).</summary>
    private static void Damage(string path, string how)
    {
        var mtime = File.GetLastWriteTimeUtc(path);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        switch (how)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 0x55;
                File.WriteAllBytes(path, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "garbage":
                File.WriteAllBytes(path, new byte[bytes.Length]);
                break;
            default:
                File.WriteAllBytes(path, []);
                break;
        }
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        // The damage hides its traces as well as a user-level tool can: the modification time is set back.
        File.SetLastWriteTimeUtc(path, mtime);
    }
}
