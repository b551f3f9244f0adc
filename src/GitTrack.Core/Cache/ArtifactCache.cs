using System.Buffers;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Cache.Remote;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Cache;

/// <summary>
/// The content-addressed artifact cache: files are stored once, zstd-compressed, under the BLAKE3 hash of their
/// content, in <c>&lt;git common dir&gt;/gittrack/objects</c> (shared by all worktrees). Adds are atomic and
/// idempotent and safe with concurrent writers; every read re-hashes what it returns and throws
/// <see cref="CorruptDataException"/> rather than hand out wrong bytes. The on-disk layout is in docs/format.md.
/// Every read fetches an object missing here from the repository's artifacts remote, when one is set
/// (<see cref="ArtifactsSettings"/>): verified as it streams, stored, then read as if it had always been here.
/// Any number of processes and instances may use one cache at once; a single instance is not thread-safe, except
/// for reads (<see cref="OpenRead"/>, <see cref="CopyTo"/>, <see cref="RestoreTo"/>, <see cref="EnsureLocalAsync(ObjectNeed, IProgress{long}?, CancellationToken)"/>).
/// </summary>
public sealed class ArtifactCache
{
    /// <summary>Temporary files untouched for this long belong to a killed writer and are removed.</summary>
    internal static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);
    /// <summary>A file modified this recently may change again within the clock's granularity: not remembered.</summary>
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(1);

    /// <summary>An add of content already stored refreshes the object's time when it is older than this (gc's grace period counts from it).</summary>
    internal static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    internal const int MinPrefixLength = 4;

    /// <summary>Objects fetched side by side when many are wanted at once.</summary>
    internal const int FetchesInFlight = 8;

    private StatIndex? _statIndex;
    private bool _swept;
    private Lazy<ArtifactsRemote?> _remote;

    public ArtifactCache(string objectsRoot, string statIndexPath, ArtifactsRemote? remote = null)
    {
        ObjectsRoot = Path.GetFullPath(objectsRoot);
        StatIndexPath = Path.GetFullPath(statIndexPath);
        _remote = new Lazy<ArtifactsRemote?>(remote);
    }

    /// <summary>
    /// The cache of the repository <paramref name="directories"/> describes. Its artifacts remote is looked up
    /// (git config, <c>.gittrack.toml</c>) only when an object is missing, so opening costs nothing.
    /// </summary>
    public static ArtifactCache Open(GitDirectories directories)
    {
        var cache = new ArtifactCache(Path.Combine(directories.GitTrackDir, "objects"), Path.Combine(directories.GitTrackDir, "stat-index"));
        cache._remote = new Lazy<ArtifactsRemote?>(() => ArtifactsSettings.Find(directories) is { } location ? ArtifactsRemote.Open(location) : null,
            LazyThreadSafetyMode.ExecutionAndPublication);
        return cache;
    }

    public string ObjectsRoot { get; }
    public string StatIndexPath { get; }

    /// <summary>The repository's artifacts remote, or null when none is set. Reading it the first time reads the settings.</summary>
    public ArtifactsRemote? Remote => _remote.Value;

    /// <summary>Where the object for <paramref name="key"/> lives (whether or not it exists).</summary>
    public string PathOf(Blake3Hash key) => ObjectPath.Of(ObjectsRoot, key);

    public bool Contains(Blake3Hash key) => File.Exists(PathOf(key));

    /// <summary>
    /// Stores the file at <paramref name="path"/> and returns its key. A file whose path, size and times (and on
    /// Linux inode and change time) match the stat index is not read again, as long as its object is still the file
    /// the index saw after checking it (same size, times and inode): an object changed on disk since is checked again,
    /// and replaced when damaged.
    /// </summary>
    public Blake3Hash AddFile(string path, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new InvalidInputException($"is a folder, not a file: {path}",
                "give the files inside it, for example: find DIR -type f -exec gittrack cache add {} +");
        if (!File.Exists(fullPath))
            throw new InvalidInputException($"no such file: {path}", "check the path");

        var before = FileStamp.Of(fullPath);
        var index = StatIndexLoaded();
        if (index.Lookup(fullPath, before) is { } known && ObjectStamp(known.Key) == known.Object)
        {
            // The add refreshes the object's time for gc (Touch), which changes its stamp: the index then remembers
            // the new one, or the next add would take the object for changed.
            if (Touch(known.Key) && ObjectStamp(known.Key) is { } touched)
                SaveIndexEntry(index, fullPath, before, known.Key, touched);
            progress?.Report(before.Size);
            return known.Key;
        }

        long startedNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Blake3Hash key;
        using (var source = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                   bufferSize: 1, FileOptions.SequentialScan))
        {
            key = AddStream(source, progress, cancellation);
        }

        // Remember only what is certain: the file did not change while it was read, and its modification time is
        // old enough that a later write cannot leave the same time behind (git's "racily clean" problem).
        var after = FileStamp.Of(fullPath);
        if (after == before && before.MtimeNs < startedNs - RacyWindow.Ticks * 100 && ObjectStamp(key) is { } objectStamp)
            SaveIndexEntry(index, fullPath, before, key, objectStamp);
        return key;
    }

    private static void SaveIndexEntry(StatIndex index, string fullPath, FileStamp stamp, Blake3Hash key, FileStamp objectStamp)
    {
        index.Record(fullPath, stamp, key, objectStamp);
        try
        {
            index.Save();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The index only saves time; an add that stored its object has succeeded.
        }
    }

    /// <summary>
    /// The key of the file at <paramref name="path"/> without storing it (a run's inputs, docs/format.md "Inputs"): a
    /// file whose stat index entry still matches is not read, whether or not its object is in the cache; otherwise it is
    /// hashed and, under the same "racily clean" rule as <see cref="AddFile"/>, remembered. With
    /// <paramref name="saveIndex"/> false the index is saved by a later <see cref="SaveStatIndex"/> (many files at once).
    /// </summary>
    public Blake3Hash HashFile(string path, bool saveIndex = true)
    {
        var fullPath = Path.GetFullPath(path);
        var before = FileStamp.Of(fullPath);
        var index = StatIndexLoaded();
        if (index.Lookup(fullPath, before) is { } known)
            return known.Key;
        long startedNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Blake3Hash key;
        using (var source = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                   bufferSize: 1, FileOptions.SequentialScan))
        using (var hasher = Blake3Hasher.Create())
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                    hasher.Update(buffer.AsSpan(0, read));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            key = hasher.Finalize();
        }
        var after = FileStamp.Of(fullPath);
        if (after == before && before.MtimeNs < startedNs - RacyWindow.Ticks * 100)
        {
            // Not stored, so no object was checked: the all-zero object stamp, which no object has, makes a later add
            // read the file (docs/format.md, "The stat index").
            index.Record(fullPath, before, key, default);
            if (saveIndex)
                SaveStatIndex();
        }
        return key;
    }

    /// <summary>Saves what <see cref="HashFile"/> learnt; a failure only costs a re-read later.</summary>
    public void SaveStatIndex()
    {
        try
        {
            StatIndexLoaded().Save();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Stores everything <paramref name="content"/> yields (read to its end, not disposed) and returns its key.</summary>
    public Blake3Hash AddStream(Stream content, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        SweepStaleTemporaries();
        var key = ObjectWriter.Write(content, ObjectsRoot, progress, cancellation).Key;
        _ = Touch(key);
        return key;
    }

    /// <summary>
    /// Sets an object's modification time to now. An add of content already stored refreshes it this way, so
    /// <c>gittrack gc</c>'s grace period counts from the last add: a recorder that is about to commit a run
    /// referencing an old, unreferenced object never sees it collected in between.
    /// </summary>
    private bool Touch(Blake3Hash key)
    {
        try
        {
            var path = PathOf(key);
            var now = DateTime.UtcNow;
            // Written or refreshed within the last minute: left as it is (gc keeps it anyway), so repeated adds of the
            // same content change nothing on disk, and the stat index's record of the object stays true.
            if (File.GetLastWriteTimeUtc(path) > now - RefreshAfter)
                return false;
            File.SetLastWriteTimeUtc(path, now);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's object in a shared cache: the grace period then counts from its first add.
            return false;
        }
    }

    /// <summary>A stream of the content of <paramref name="key"/> that throws <see cref="CorruptDataException"/> at the end (or on a decoding error) unless the content is exactly what was stored.</summary>
    public Stream OpenRead(Blake3Hash key, ObjectNeed? need = null) => new VerifyingReadStream(ExistingPathOf(key, need), key);

    /// <summary>
    /// Writes the content of <paramref name="key"/> to <paramref name="destination"/> and returns its length. The
    /// hash is checked at the end: on <see cref="CorruptDataException"/> the destination already holds wrong bytes,
    /// so prefer <see cref="RestoreTo"/> for files.
    /// </summary>
    public long CopyTo(Blake3Hash key, Stream destination, IProgress<long>? progress = null, CancellationToken cancellation = default, ObjectNeed? need = null) =>
        CopyBlocks(key, (block, length) => destination.Write(block, 0, length), progress, cancellation, need);

    private long CopyBlocks(Blake3Hash key, Action<byte[], int> write, IProgress<long>? progress, CancellationToken cancellation, ObjectNeed? need = null)
    {
        using var reader = new VerifyingReadStream(ExistingPathOf(key, need), key);
        var first = ArrayPool<byte>.Shared.Rent(BlockPipeline.BlockSize);
        try
        {
            Func<byte[], int> read = buffer => BlockPipeline.ReadBlock(memory => reader.ReadUnhashed(memory.Span), buffer);
            int firstLength = read(first);
            long total = BlockPipeline.Run(read, first, firstLength, (block, length) => reader.HashBlock(block.AsSpan(0, length)),
                write, progress, cancellation);
            reader.CheckComplete();
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
        }
    }

    /// <summary>
    /// Writes the content of <paramref name="key"/> to the file <paramref name="path"/>: into a temporary file
    /// beside it, verified and flushed to disk, then renamed over <paramref name="path"/>. A corrupt object leaves
    /// the target as it was.
    /// </summary>
    public long RestoreTo(Blake3Hash key, string path, IProgress<long>? progress = null, CancellationToken cancellation = default, ObjectNeed? need = null)
    {
        var fullPath = Path.GetFullPath(path);
        _ = ExistingPathOf(key, need); // not found: fail before creating anything
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, AtomicFile.TempName("." + Path.GetFileName(fullPath) + "."));
        try
        {
            long length;
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                var writeback = new EarlyWriteback(output.SafeFileHandle);
                length = CopyBlocks(key, (block, count) =>
                {
                    output.Write(block, 0, count);
                    writeback.UpTo(output.Position);
                }, progress, cancellation, need);
                output.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
            return length;
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>Re-hashes the object of <paramref name="key"/>; never throws for a missing or corrupt object.</summary>
    public VerifyResult Verify(Blake3Hash key, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        if (!Contains(key))
            return new VerifyResult(key, VerifyStatus.Missing, 0, $"no object {key}");
        try
        {
            long size = CopyTo(key, Stream.Null, progress, cancellation);
            return new VerifyResult(key, VerifyStatus.Intact, size);
        }
        catch (CorruptDataException e)
        {
            return new VerifyResult(key, VerifyStatus.Corrupt, 0, e.Hint);
        }
    }

    /// <summary>Every key in the cache, in no particular order. Temporary files and stray names are skipped.</summary>
    public IEnumerable<Blake3Hash> EnumerateKeys()
    {
        if (!Directory.Exists(ObjectsRoot))
            yield break;
        foreach (var folder in Directory.EnumerateDirectories(ObjectsRoot))
        {
            var folderName = Path.GetFileName(folder);
            if (folderName.Length != 2)
                continue;
            foreach (var file in Directory.EnumerateFiles(folder))
                if (ObjectPath.TryParse(folderName, Path.GetFileName(file)) is { } key)
                    yield return key;
        }
    }

    /// <summary>
    /// The one key starting with <paramref name="hexPrefix"/> (4 to 64 hex digits, any case), as git resolves
    /// abbreviated object names. Throws <see cref="InvalidInputException"/>, <see cref="NotFoundException"/> or
    /// <see cref="AmbiguousException"/> (listing the candidates).
    /// </summary>
    public Blake3Hash ResolvePrefix(string hexPrefix)
    {
        var prefix = hexPrefix.Trim().ToLowerInvariant();
        if (prefix.Length < MinPrefixLength || prefix.Length > Blake3Hash.Length * 2 || !ObjectPath.IsLowerHex(prefix))
            throw new InvalidInputException($"not a cache key: '{hexPrefix}'",
                $"give {MinPrefixLength} to {Blake3Hash.Length * 2} hex digits of a key");
        var folder = Path.Combine(ObjectsRoot, prefix[..2]);
        var matches = new List<Blake3Hash>();
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith(prefix[2..], StringComparison.Ordinal) && ObjectPath.TryParse(prefix[..2], name) is { } key)
                    matches.Add(key);
            }
        }
        if (matches.Count == 0 && Remote is { } remote)
        {
            // Not here: the remote's listing under the same prefix answers, as the local folder would have.
            matches.AddRange(Wait(ListRemote(remote, prefix)));
        }
        return matches.Count switch
        {
            0 => throw new NotFoundException($"no cache object matches '{hexPrefix}'", Remote is { } r
                ? $"it is neither in the local cache nor on the artifacts remote {r}; check the key"
                : "check the key; 'gittrack cache add FILE' prints it"),
            1 => matches[0],
            _ => throw new AmbiguousException($"cache key '{hexPrefix}' is ambiguous, it matches {matches.Count} objects",
                matches.Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList(), "give more hex digits"),
        };
    }

    /// <summary>Removes temporary files left by writers that were killed (untouched for <see cref="StaleTempAge"/>).</summary>
    internal int SweepStaleTemporaries(bool force = false)
    {
        if (_swept && !force)
            return 0;
        _swept = true;
        var folder = Path.Combine(ObjectsRoot, ObjectPath.TempFolderName);
        if (!Directory.Exists(folder))
            return 0;
        int removed = 0;
        var cutoff = DateTime.UtcNow - StaleTempAge;
        foreach (var file in Directory.EnumerateFiles(folder, "tmp-*"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                    removed++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed or holds it; try again next time.
            }
        }
        return removed;
    }

    private StatIndex StatIndexLoaded() => _statIndex ??= StatIndex.Load(StatIndexPath);

    private static async Task<List<Blake3Hash>> ListRemote(ArtifactsRemote remote, string prefix)
    {
        var found = new List<Blake3Hash>();
        await foreach (var entry in remote.ListAsync(prefix, null, CancellationToken.None).ConfigureAwait(false))
        {
            found.Add(entry.Key);
            if (found.Count > 100)
                break; // enough to say it is ambiguous
        }
        return found;
    }

    /// <summary>The object's stamp (one statx), or null when it is missing.</summary>
    private FileStamp? ObjectStamp(Blake3Hash key)
    {
        var path = PathOf(key);
        try
        {
            return File.Exists(path) ? FileStamp.Of(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string ExistingPathOf(Blake3Hash key, ObjectNeed? need)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            EnsureLocal(need ?? new ObjectNeed(key));
        return path;
    }

    /// <summary>Fetches <paramref name="need"/>'s object from the artifacts remote unless it is here already; see <see cref="EnsureLocalAsync(ObjectNeed, IProgress{long}?, CancellationToken)"/>.</summary>
    public void EnsureLocal(ObjectNeed need, IProgress<long>? progress = null, CancellationToken cancellation = default) =>
        Wait(EnsureLocalAsync(need, progress, cancellation));

    /// <summary>
    /// Makes sure the object of <paramref name="need"/> is in the local cache: when it is not, it is fetched from the
    /// artifacts remote, verified while it streams, and stored. Throws <see cref="NotFoundException"/> naming the
    /// run, path and key and what to do when there is no remote or the remote lacks it too, and
    /// <see cref="CorruptDataException"/> (nothing stored) when the remote's copy is corrupt.
    /// Progress reports bytes downloaded, as increments.
    /// </summary>
    public async Task EnsureLocalAsync(ObjectNeed need, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(need);
        if (Contains(need.Key))
            return;
        if (Remote is not { } remote)
            throw new NotFoundException($"{need.Describe()} is not in the local cache, and no artifacts remote is set",
                $"set one with 'git config {ArtifactsSettings.ConfigKey} s3://BUCKET/PREFIX' (or [artifacts] url in {ArtifactsSettings.FileName}), " +
                $"or copy the object into {ObjectsRoot} from the machine that recorded the run");
        try
        {
            await ObjectFetcher.FetchAsync(remote, ObjectsRoot, need.Key, progress, cancellation).ConfigureAwait(false);
        }
        catch (RemoteObjectMissingException)
        {
            throw new NotFoundException($"{need.Describe()} is neither in the local cache nor on the artifacts remote {remote}",
                "push it from the clone that recorded the run: 'gittrack cache push RUN' there");
        }
    }

    /// <summary>
    /// Fetches every object of <paramref name="needs"/> missing here, <see cref="FetchesInFlight"/> at a time. All are
    /// tried; then one <see cref="NotFoundException"/> names every object that is nowhere (or the first other error).
    /// </summary>
    public async Task EnsureLocalAsync(IEnumerable<ObjectNeed> needs, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var missing = needs.Where(n => !Contains(n.Key)).DistinctBy(n => n.Key).ToList();
        if (missing.Count == 0)
            return;
        if (Remote is null)
            throw new NotFoundException($"{Count(missing.Count)} not in the local cache: {Names(missing)}, and no artifacts remote is set",
                $"nothing was written; set one with 'git config {ArtifactsSettings.ConfigKey} s3://BUCKET/PREFIX' (or [artifacts] url in {ArtifactsSettings.FileName}), " +
                $"or copy the objects into {ObjectsRoot} from the machine that recorded the run");
        var nowhere = new System.Collections.Concurrent.ConcurrentBag<ObjectNeed>();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = FetchesInFlight, CancellationToken = cancellation }, async (need, token) =>
        {
            try
            {
                await EnsureLocalAsync(need, progress, token).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                nowhere.Add(need);
            }
        }).ConfigureAwait(false);
        if (!nowhere.IsEmpty)
        {
            var list = nowhere.OrderBy(n => n.Run, StringComparer.Ordinal).ThenBy(n => n.Path, StringComparer.Ordinal).ToList();
            throw new NotFoundException($"{Count(list.Count)} neither in the local cache nor on the artifacts remote {Remote}: {Names(list)}",
                "push them from the clone that recorded the runs: 'gittrack cache push RUN' there");
        }
    }

    private static string Count(int n) => n == 1 ? "1 object is" : $"{n} objects are";

    private static string Names(IReadOnlyList<ObjectNeed> needs)
    {
        const int shown = 5;
        var names = string.Join(", ", needs.Take(shown).Select(n => n.Describe()));
        return needs.Count > shown ? $"{names} and {needs.Count - shown} more" : names;
    }

    /// <summary>Waits for a task from synchronous code; the cache's async work never needs the caller's context.</summary>
    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
