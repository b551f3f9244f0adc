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
        var parts = new List<MetricPoint>[segments.Count];
        var next = -1;
        var failed = false;
        void Work(Func<int, Blob> blobAt)
        {
            try
            {
                for (var i = Interlocked.Increment(ref next); i < parts.Length && !Volatile.Read(ref failed); i = Interlocked.Increment(ref next))
                {
                    var part = new List<MetricPoint>();
                    ReadSegment(id, segments[i].Name, blobAt(i), part);
                    parts[i] = part;
                }
            }
            catch
            {
                Volatile.Write(ref failed, true);
                throw;
            }
        }
        var helpers = new Task[readers - 1];
        for (var h = 0; h < helpers.Length; h++)
            helpers[h] = Task.Run(() =>
            {
                using var repository = new Repository(gitDir);
                Work(i => repository.Lookup<Blob>(segments[i].Blob.Id)
                    ?? throw new CorruptDataException($"run {id}: history segment {segments[i].Name} is missing", "the runs branch was damaged; check it with 'git fsck'"));
            });
        Exception? mine = null;
        try
        {
            // The calling thread reads too, through the Blob objects of its own repository.
            Work(i => segments[i].Blob);
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
        var total = 0;
        foreach (var part in parts)
            total = checked(total + part.Count);
        var points = new List<MetricPoint>(total);
        foreach (var part in parts)
            points.AddRange(part);
        return points;
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
