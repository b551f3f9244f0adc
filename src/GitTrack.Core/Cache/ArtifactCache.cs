using System.Buffers;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Cache;

/// <summary>
/// The content-addressed artifact cache: files are stored once, zstd-compressed, under the BLAKE3 hash of their
/// content, in <c>&lt;git common dir&gt;/gittrack/objects</c> (shared by all worktrees). Adds are atomic and
/// idempotent and safe with concurrent writers; every read re-hashes what it returns and throws
/// <see cref="CorruptDataException"/> rather than hand out wrong bytes. The on-disk layout is in docs/format.md.
/// Any number of processes and instances may use one cache at once; a single instance is not thread-safe.
/// </summary>
public sealed class ArtifactCache
{
    /// <summary>Temporary files untouched for this long belong to a killed writer and are removed.</summary>
    internal static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);
    /// <summary>A file modified this recently may change again within the clock's granularity: not remembered.</summary>
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(1);
    internal const int MinPrefixLength = 4;

    private StatIndex? _statIndex;
    private bool _swept;

    public ArtifactCache(string objectsRoot, string statIndexPath)
    {
        ObjectsRoot = Path.GetFullPath(objectsRoot);
        StatIndexPath = Path.GetFullPath(statIndexPath);
    }

    /// <summary>The cache of the repository <paramref name="directories"/> describes.</summary>
    public static ArtifactCache Open(GitDirectories directories) => new(
        Path.Combine(directories.GitTrackDir, "objects"),
        Path.Combine(directories.GitTrackDir, "stat-index"));

    public string ObjectsRoot { get; }
    public string StatIndexPath { get; }

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
        {
            index.Record(fullPath, before, key, objectStamp);
            try
            {
                index.Save();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The index only saves time; an add that stored its object has succeeded.
            }
        }
        return key;
    }

    /// <summary>Stores everything <paramref name="content"/> yields (read to its end, not disposed) and returns its key.</summary>
    public Blake3Hash AddStream(Stream content, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        SweepStaleTemporaries();
        return ObjectWriter.Write(content, ObjectsRoot, progress, cancellation).Key;
    }

    /// <summary>A stream of the content of <paramref name="key"/> that throws <see cref="CorruptDataException"/> at the end (or on a decoding error) unless the content is exactly what was stored.</summary>
    public Stream OpenRead(Blake3Hash key) => new VerifyingReadStream(ExistingPathOf(key), key);

    /// <summary>
    /// Writes the content of <paramref name="key"/> to <paramref name="destination"/> and returns its length. The
    /// hash is checked at the end: on <see cref="CorruptDataException"/> the destination already holds wrong bytes,
    /// so prefer <see cref="RestoreTo"/> for files.
    /// </summary>
    public long CopyTo(Blake3Hash key, Stream destination, IProgress<long>? progress = null, CancellationToken cancellation = default) =>
        CopyBlocks(key, (block, length) => destination.Write(block, 0, length), progress, cancellation);

    private long CopyBlocks(Blake3Hash key, Action<byte[], int> write, IProgress<long>? progress, CancellationToken cancellation)
    {
        using var reader = new VerifyingReadStream(ExistingPathOf(key), key);
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
    public long RestoreTo(Blake3Hash key, string path, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var fullPath = Path.GetFullPath(path);
        _ = ExistingPathOf(key); // not found: fail before creating anything
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
                }, progress, cancellation);
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
        return matches.Count switch
        {
            0 => throw new NotFoundException($"no cache object matches '{hexPrefix}'", "check the key; 'gittrack cache add FILE' prints it"),
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

    private string ExistingPathOf(Blake3Hash key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
            throw new NotFoundException($"no cache object {key}", "check the key; 'gittrack cache add FILE' prints it");
        return path;
    }
}
