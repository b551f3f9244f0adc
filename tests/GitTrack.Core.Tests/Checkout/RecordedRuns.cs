using System.Security.Cryptography;
using GitTrack.Core.Cache;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Checkout;

/// <summary>
/// Records runs of a test repository's work tree as <c>gittrack run</c> would leave them (code snapshot, artifacts
/// in the cache, a completed manifest), without running a command, for the diff and checkout tests.
/// </summary>
internal sealed class RecordedRuns(TempGitRepo repo)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private int _count;

    public GitDirectories Directories { get; } = GitDirectories.Discover(repo.Root);
    public ArtifactCache Cache => ArtifactCache.Open(Directories);

    /// <summary>Records the work tree as it is now, with the given files or folders (relative to the root) as artifacts.</summary>
    public RunRecord Record(string name, IEnumerable<string>? artifacts = null, Func<RunRecord, RunRecord>? shape = null)
    {
        var cache = Cache;
        var entries = new List<ArtifactEntry>();
        foreach (var artifact in artifacts ?? [])
        {
            var full = repo.PathOf(artifact);
            var files = Directory.Exists(full)
                ? (IEnumerable<string>)Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [full];
            foreach (var file in files)
                entries.Add(new ArtifactEntry(Path.GetRelativePath(repo.Root, file).Replace('\\', '/'), cache.AddFile(file), new FileInfo(file).Length));
        }
        var started = T0.AddMinutes(_count++);
        var run = new RunRecord
        {
            Id = RunId.New(started).Value,
            Name = name,
            Status = RunStatus.Completed,
            ExitCode = 0,
            StartedAt = started,
            EndedAt = started.AddSeconds(30),
            Command = ["python", "train.py"],
            Source = WorkTreeSnapshot.Capture(Directories),
            Artifacts = entries,
        };
        if (shape is not null)
            run = shape(run);
        using var store = Open();
        return store.Create(run);
    }

    public RunStore Open() => RunStore.Open(Directories, new CrashDetector("this-host", "this-boot"));

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Every file, folder and link under <paramref name="root"/> outside .git with its content hash: equal listings mean nothing was written.</summary>
    public static string Listing(string root)
    {
        if (!Directory.Exists(root))
            return "(absent)";
        var lines = new List<string>();
        var folders = new Stack<string>([root]);
        while (folders.Count > 0)
        {
            // Walked by hand: links are listed, never followed (a test's link may point back up the tree).
            foreach (var entry in Directory.EnumerateFileSystemEntries(folders.Pop()))
            {
                var relative = Path.GetRelativePath(root, entry);
                if (relative == ".git")
                    continue;
                var info = new FileInfo(entry);
                if (info.LinkTarget is { } target)
                    lines.Add($"{relative} -> {target}");
                else if (info.Exists)
                    lines.Add($"{relative} {info.Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))}");
                else
                {
                    lines.Add($"{relative}/");
                    folders.Push(entry);
                }
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
