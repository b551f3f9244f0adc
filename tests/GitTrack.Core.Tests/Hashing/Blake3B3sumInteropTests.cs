using System.ComponentModel;
using System.Diagnostics;
using GitTrack.Core.Hashing;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Hashing;

/// <summary>
/// The cache's hashes of a generated file, fed as the cache feeds them, are the ones the reference tool, b3sum, prints;
/// so are the package's extended output and derive_key mode (skipped where b3sum is not installed; CI installs it).
/// </summary>
public sealed class Blake3B3sumInteropTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gittrack-b3sum-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string? B3sum(params string[] args)
    {
        var info = new ProcessStartInfo("b3sum", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static bool B3sumInstalled => B3sum("--version") is not null;

    private string WriteFile(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        string path = Path.Combine(_directory, $"input-{size}.bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1025)]
    [InlineData((3 << 20) + 17)]
    [InlineData((17 << 20) + 3 * 1024 + 5)]
    public void Hash_of_a_file_matches_b3sum(int size)
    {
        Requirement.That(B3sumInstalled, "b3sum is not installed (apt-get install -y b3sum)");
        string path = WriteFile(size);
        var bytes = File.ReadAllBytes(path);
        string expected = B3sum("--no-names", path)!;

        Assert.Equal(expected, Blake3Hasher.Hash(bytes).ToString());
        // As the cache adds a file (8 MiB blocks) and as a verified read streams it (1 MiB pieces), and in odd pieces.
        foreach (int piece in new[] { 8 << 20, 1 << 20, 65_536 + 1 })
        {
            using var hasher = Blake3Hasher.Create();
            foreach (var block in bytes.Chunk(piece))
                hasher.Update(block);
            Assert.Equal(expected, hasher.Finalize().ToString());
        }

        var extended = new byte[131];
        using var xof = Blake3.Hasher.New();
        xof.UpdateWithJoin(bytes);
        xof.Finalize(extended);
        Assert.Equal(B3sum("--no-names", "--length", "131", path), Convert.ToHexStringLower(extended));

        using var derive = Blake3.Hasher.NewDeriveKey("GitTrack 2026-11-25 b3sum interop test");
        derive.Update(bytes);
        Assert.Equal(B3sum("--no-names", "--derive-key", "GitTrack 2026-11-25 b3sum interop test", path), derive.Finalize().ToString());
    }
}
