using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using LibGit2Sharp;

namespace GitTrack.Core.Storage;

/// <summary>
/// The cache objects that runs reference, read from the local runs branch and from every remote-tracking copy of it
/// (<c>refs/remotes/*/&lt;runs branch&gt;</c>), for garbage collection. Removed runs count (their objects go only with
/// <c>gittrack rm --purge</c>), and so do entries that do not read as runs: every 64-hex-digit key named anywhere in a
/// manifest is kept, which errs on the side of keeping. A run folder whose tree is the same on several branches is
/// read once.
/// </summary>
public sealed class RunsRefs : IDisposable
{
    private const string RemotesPrefix = "refs/remotes/";
    private readonly Repository _repository;

    private RunsRefs(Repository repository, RunsBranch branch)
    {
        _repository = repository;
        Branch = branch;
    }

    public RunsBranch Branch { get; }

    public static RunsRefs Open(GitDirectories directories, RunsBranch branch)
    {
        ArgumentNullException.ThrowIfNull(directories);
        try
        {
            return new RunsRefs(new Repository(directories.GitDir), branch);
        }
        catch (RepositoryNotFoundException e)
        {
            throw new InvalidInputException($"not a git repository: {directories.GitDir} ({e.Message})", "run gittrack inside a git repository");
        }
    }

    /// <summary>The remote-tracking refs of the runs branch (<c>refs/remotes/origin/gittrack/runs</c>...), sorted.</summary>
    public IReadOnlyList<string> RemoteRefs() =>
        [.. _repository.Refs.FromGlob(RemotesPrefix + "*")
            .Select(r => r.CanonicalName)
            .Where(name => name.EndsWith("/" + Branch.Name, StringComparison.Ordinal) && name.Length > RemotesPrefix.Length + Branch.Name.Length + 1)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Every key referenced by a run on the local branch (<paramref name="local"/>) and the remote-tracking ones
    /// (<paramref name="remotes"/>), leaving out the runs whose ids are in <paramref name="except"/>.
    /// </summary>
    public ReferencedObjects Collect(bool local, bool remotes, IReadOnlySet<string>? except = null)
    {
        var refs = new List<string>();
        if (local)
            refs.Add(Branch.RefName);
        if (remotes)
            refs.AddRange(RemoteRefs());
        var keys = new HashSet<Blake3Hash>();
        var seenTrees = new HashSet<ObjectId>();
        var runIds = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<string>();
        foreach (var name in refs)
        {
            if (_repository.Refs[name]?.ResolveToDirectReference()?.Target is not Commit tip)
                continue;
            read.Add(name);
            if (tip[RunPath.RunsFolder] is not { TargetType: TreeEntryTargetType.Tree } runsEntry)
                continue;
            foreach (var shard in (Tree)runsEntry.Target)
            {
                if (shard.TargetType != TreeEntryTargetType.Tree)
                    continue;
                foreach (var run in (Tree)shard.Target)
                {
                    if (except is not null && except.Contains(run.Name))
                        continue;
                    runIds.Add(run.Name);
                    if (run.TargetType != TreeEntryTargetType.Tree || !seenTrees.Add(run.Target.Id))
                        continue;
                    if (((Tree)run.Target)[RunPath.ManifestFile] is { TargetType: TreeEntryTargetType.Blob } manifest)
                        AddKeys((Blob)manifest.Target, shard.Name, run, keys);
                }
            }
        }
        return new ReferencedObjects(keys, runIds.Count, read);
    }

    private static void AddKeys(Blob blob, string shard, TreeEntry run, HashSet<Blake3Hash> keys)
    {
        var size = checked((int)blob.Size);
        var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            using (var stream = blob.GetContentStream())
                stream.ReadExactly(bytes, 0, size);
            var text = bytes.AsSpan(0, size);
            ScanKeys(text, keys);
            // A TOML escape could spell a key without its digits in the text: read such a manifest properly as well.
            if (text.Contains((byte)'\\'))
            {
                try
                {
                    var record = RunReader.ReadManifest(shard, run);
                    foreach (var artifact in record.Artifacts)
                        keys.Add(artifact.Key);
                    if (record.Log is { } log)
                        keys.Add(log.Key);
                }
                catch (CorruptDataException)
                {
                    // Unreadable: what the scan found is all it can reference.
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Adds every run of exactly 64 lowercase hex digits in <paramref name="text"/>. Internal for tests.</summary>
    internal static void ScanKeys(ReadOnlySpan<byte> text, HashSet<Blake3Hash> keys)
    {
        var length = Blake3Hash.Length * 2;
        var run = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && IsLowerHex(text[i]))
            {
                run++;
                continue;
            }
            if (run == length && Blake3Hash.TryParse(System.Text.Encoding.ASCII.GetString(text.Slice(i - length, length)), out var key))
                keys.Add(key);
            run = 0;
        }
    }

    private static bool IsLowerHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f';

    public void Dispose() => _repository.Dispose();
}

/// <summary>What <see cref="RunsRefs.Collect"/> found: the referenced keys, how many runs, and which refs were read.</summary>
public sealed record ReferencedObjects(IReadOnlySet<Blake3Hash> Keys, int Runs, IReadOnlyList<string> Refs);
