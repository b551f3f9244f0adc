using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

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
    /// <summary>A manifest larger than this is not a manifest; its keys are not collected (RunReader refuses it too).</summary>
    private const long MaxManifestBytes = 16L << 20;
    private readonly GitRepository _git;

    private RunsRefs(GitRepository git, RunsBranch branch)
    {
        _git = git;
        Branch = branch;
    }

    public RunsBranch Branch { get; }

    public static RunsRefs Open(GitDirectories directories, RunsBranch branch)
    {
        ArgumentNullException.ThrowIfNull(directories);
        return new RunsRefs(GitRepository.Open(directories), branch);
    }

    /// <summary>The remote-tracking refs of the runs branch (<c>refs/remotes/origin/gittrack/runs</c>...), sorted.</summary>
    public IReadOnlyList<string> RemoteRefs() =>
        [.. _git.ListRefs(RemotesPrefix)
            .Select(r => r.Name)
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
        var listings = new HashSet<Blake3Hash>();
        var seenTrees = new HashSet<string>(StringComparer.Ordinal);
        var runIds = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<string>();
        foreach (var name in refs)
        {
            string? tip;
            try
            {
                tip = _git.ResolveCommit(name);
            }
            catch (MissingTipException)
            {
                tip = null; // a tip pruned away references nothing that can still be read
            }
            if (tip is null)
                continue;
            read.Add(name);
            if (_git.EntryAt(_git.ReadCommit(tip).Tree, RunPath.RunsFolder) is not { Kind: GitEntryKind.Tree } runsEntry)
                continue;
            foreach (var shard in _git.ReadTree(runsEntry.Id))
            {
                if (shard.Kind != GitEntryKind.Tree)
                    continue;
                foreach (var run in _git.ReadTree(shard.Id))
                {
                    if (except is not null && except.Contains(run.Name))
                        continue;
                    runIds.Add(run.Name);
                    if (run.Kind != GitEntryKind.Tree || !seenTrees.Add(run.Id))
                        continue;
                    if (_git.EntryAt(run.Id, RunPath.ManifestFile) is { Kind: GitEntryKind.Blob } manifest
                        && _git.BlobSize(manifest.Id) <= MaxManifestBytes)
                        AddKeys(_git.ReadBlob(manifest.Id, MaxManifestBytes, $"the manifest of run {run.Name}"), run.Name, keys, listings);
                }
            }
        }
        return new ReferencedObjects(keys, runIds.Count, read) { Listings = listings };
    }

    private static void AddKeys(byte[] bytes, string id, HashSet<Blake3Hash> keys, HashSet<Blake3Hash> listings)
    {
        ScanKeys(bytes, keys);
        // A TOML escape could spell a key without its digits in the text, and a stored folder input's files are named
        // only by its listing: read such a manifest properly as well.
        var folders = bytes.AsSpan().IndexOf("folder"u8) >= 0;
        if (!bytes.AsSpan().Contains((byte)'\\') && !folders)
            return;
        try
        {
            var record = ManifestToml.Read(new System.Text.UTF8Encoding(false, true).GetString(bytes), id);
            foreach (var artifact in record.Artifacts)
                keys.Add(artifact.Key);
            if (record.Log is { } log)
                keys.Add(log.Key);
            foreach (var input in record.Inputs)
            {
                keys.Add(input.Key);
                if (input.IsFolder && input.Stored)
                    listings.Add(input.Key);
            }
        }
        catch (Exception e) when (e is CorruptDataException or System.Text.DecoderFallbackException)
        {
            // Unreadable: what the scan found is all it can reference.
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

    public void Dispose() => _git.Dispose();
}

/// <summary>
/// What <see cref="RunsRefs.Collect"/> found: the referenced keys, how many runs, and which refs were read.
/// <see cref="Listings"/> are the keys of stored folder inputs (docs/format.md, "Inputs"): the files each listing
/// names are referenced too, which only the listing itself can tell.
/// </summary>
public sealed record ReferencedObjects(IReadOnlySet<Blake3Hash> Keys, int Runs, IReadOnlyList<string> Refs)
{
    public IReadOnlySet<Blake3Hash> Listings { get; init; } = new HashSet<Blake3Hash>();
}
