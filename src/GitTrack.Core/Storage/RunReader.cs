using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using LibGit2Sharp;

namespace GitTrack.Core.Storage;

/// <summary>Reads a run's folder from the runs branch's tree, checking its shape before anything uses it.</summary>
internal static class RunReader
{
    /// <summary>The manifest of the run folder <paramref name="runEntry"/> inside shard <paramref name="shard"/>.</summary>
    public static RunRecord ReadManifest(string shard, TreeEntry runEntry)
    {
        var id = runEntry.Name;
        if (!RunId.IsValid(id) || !id.StartsWith(shard, StringComparison.Ordinal) || runEntry.TargetType != TreeEntryTargetType.Tree)
            throw new CorruptDataException($"unexpected entry 'runs/{shard}/{id}' on the runs branch",
                "the runs branch was written by another tool or damaged; check it with 'git fsck'");
        var tree = (Tree)runEntry.Target;
        if (tree[RunPath.ManifestFile] is not { TargetType: TreeEntryTargetType.Blob } manifestEntry)
            throw new CorruptDataException($"run {id}: manifest.toml is missing", "the runs branch was written by another tool or damaged");
        var text = ReadText((Blob)manifestEntry.Target, id);
        var run = ManifestToml.Read(text, id);
        if (run.Id != id)
            throw new CorruptDataException($"run {id}: its manifest says id '{run.Id}'", "the runs branch was written by another tool or damaged");
        return run;
    }

    /// <summary>Most threads one history read uses; each opens its own repository (libgit2 objects stay on one thread).</summary>
    internal static int HistoryReaders { get; set; } = Math.Min(Environment.ProcessorCount, 8);

    /// <summary>
    /// Every history segment of a run folder, in order, decoded and concatenated. With <paramref name="gitDir"/> given
    /// and several segments, up to <see cref="HistoryReaders"/> threads load and decode segments side by side, each
    /// through its own <see cref="Repository"/> opened on that folder.
    /// </summary>
    public static List<MetricPoint> ReadHistory(string id, Tree runTree, string? gitDir = null)
    {
        if (runTree[RunPath.HistoryFolder] is not { } historyEntry)
            return [];
        if (historyEntry.TargetType != TreeEntryTargetType.Tree)
            throw new CorruptDataException($"run {id}: history is not a folder", "the runs branch was written by another tool or damaged");
        var segments = new List<(string Name, Blob Blob)>();
        foreach (var segment in ((Tree)historyEntry.Target).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // Segments are numbered from 00000 without gaps; a gap means a lost or foreign file.
            if (!RunPath.TryParseSegmentName(segment.Name, out var index) || index != segments.Count || segment.TargetType != TreeEntryTargetType.Blob)
                throw new CorruptDataException($"run {id}: unexpected history entry '{segment.Name}'", "the runs branch was written by another tool or damaged");
            segments.Add((segment.Name, (Blob)segment.Target));
        }
        var readers = gitDir is null ? 1 : Math.Min(HistoryReaders, segments.Count);
        return readers > 1 ? ReadSideBySide(id, segments, gitDir!, readers) : ReadInTurn(id, segments);
    }

    private static List<MetricPoint> ReadInTurn(string id, List<(string Name, Blob Blob)> segments)
    {
        // One allocation for the whole history: a point takes at least 9 bytes (flags and value) in its segment.
        long bytes = 0;
        foreach (var (_, blob) in segments)
            bytes += blob.Size;
        var points = new List<MetricPoint>((int)Math.Min(bytes / 9, Array.MaxLength));
        foreach (var (name, blob) in segments)
            ReadSegment(id, name, blob, points);
        return points;
    }

    private static List<MetricPoint> ReadSideBySide(string id, List<(string Name, Blob Blob)> segments, string gitDir, int readers)
    {
        var buffers = new byte[]?[segments.Count];
        var sizes = new int[segments.Count];
        var counts = new int[segments.Count];
        try
        {
            // First the bytes out of git and a count of each segment's points: the calling thread through the Blob
            // objects of its own repository, each other thread through a repository of its own.
            SideBySide(readers, segments.Count, (thread, next) =>
            {
                using var repository = thread == 0 ? null : new Repository(gitDir);
                for (var i = next(); i < segments.Count; i = next())
                {
                    var blob = repository is null ? segments[i].Blob : repository.Lookup<Blob>(segments[i].Blob.Id)
                        ?? throw new CorruptDataException($"run {id}: history segment {segments[i].Name} is missing", "the runs branch was damaged; check it with 'git fsck'");
                    var size = sizes[i] = checked((int)blob.Size);
                    var buffer = buffers[i] = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
                    using (var stream = blob.GetContentStream())
                        stream.ReadExactly(buffer, 0, size);
                    counts[i] = MetricHistoryCodec.CountPoints(buffer.AsSpan(0, size));
                }
            });
            var total = 0;
            var offsets = new int[segments.Count];
            for (var i = 0; i < segments.Count; i++)
            {
                if (counts[i] < 0)
                {
                    // Malformed: decoding it says how.
                    MetricHistoryCodec.Decode(buffers[i].AsSpan(0, sizes[i]), $"{id}/{segments[i].Name}");
                    throw new CorruptDataException($"metric history {id}/{segments[i].Name} is malformed", "the runs branch was written by another tool or damaged; check it with 'git fsck'");
                }
                offsets[i] = total;
                total = checked(total + counts[i]);
            }
            // Then every segment decoded straight into its own stretch of the one list.
            var points = new List<MetricPoint>(total);
            System.Runtime.InteropServices.CollectionsMarshal.SetCount(points, total);
            SideBySide(readers, segments.Count, (_, next) =>
            {
                for (var i = next(); i < segments.Count; i = next())
                    MetricHistoryCodec.DecodeInto(buffers[i].AsSpan(0, sizes[i]), $"{id}/{segments[i].Name}",
                        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(points).Slice(offsets[i], counts[i]));
            });
            return points;
        }
        finally
        {
            foreach (var buffer in buffers)
                if (buffer is not null)
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="threads"/> threads (thread 0 is the calling one), each taking
    /// item indices from a shared counter until they run out or one of them failed; rethrows the first failure as is.
    /// </summary>
    private static void SideBySide(int threads, int items, Action<int, Func<int>> body)
    {
        var next = -1;
        var failed = false;
        int Next() => Volatile.Read(ref failed) ? items : Interlocked.Increment(ref next);
        void Run(int thread)
        {
            try
            {
                body(thread, Next);
            }
            catch
            {
                Volatile.Write(ref failed, true);
                throw;
            }
        }
        var helpers = new Task[threads - 1];
        for (var h = 0; h < helpers.Length; h++)
        {
            var thread = h + 1;
            helpers[h] = Task.Run(() => Run(thread));
        }
        Exception? mine = null;
        try
        {
            Run(0);
        }
        catch (Exception e)
        {
            mine = e;
        }
        try
        {
            Task.WaitAll(helpers);
        }
        catch (AggregateException e) when (mine is null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        catch (AggregateException) when (mine is not null)
        {
        }
        if (mine is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(mine);
    }

    /// <summary>Appends one segment's points to <paramref name="points"/>, its bytes read straight into a pooled buffer.</summary>
    private static void ReadSegment(string id, string name, Blob blob, List<MetricPoint> points)
    {
        // Blob.Size loads the blob once and GetContentStream once more (LibGit2Sharp 0.32 has no single-load read
        // that skips filters); copying through a growing MemoryStream would add two more copies.
        var size = checked((int)blob.Size);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            using (var stream = blob.GetContentStream())
                stream.ReadExactly(buffer, 0, size);
            MetricHistoryCodec.DecodeInto(buffer.AsSpan(0, size), $"{id}/{name}", points);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How many history segments a run folder holds (the next one is numbered this).</summary>
    public static int SegmentCount(Tree runTree) =>
        runTree[RunPath.HistoryFolder] is { TargetType: TreeEntryTargetType.Tree } history ? ((Tree)history.Target).Count : 0;

    private static string ReadText(Blob blob, string id)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadAll(blob));
        }
        catch (DecoderFallbackException e)
        {
            throw new CorruptDataException($"run {id}: manifest is not UTF-8", "the runs branch was written by another tool or damaged", e);
        }
    }

    private static byte[] ReadAll(Blob blob)
    {
        using var stream = blob.GetContentStream();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
