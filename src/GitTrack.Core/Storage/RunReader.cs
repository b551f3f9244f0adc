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

    /// <summary>Every history segment of a run folder, in order, decoded and concatenated.</summary>
    public static List<MetricPoint> ReadHistory(string id, Tree runTree)
    {
        var points = new List<MetricPoint>();
        if (runTree[RunPath.HistoryFolder] is not { } historyEntry)
            return points;
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
        // One allocation for the whole history: a point takes at least 9 bytes (flags and value) in its segment.
        long bytes = 0;
        foreach (var (_, blob) in segments)
            bytes += blob.Size;
        points.Capacity = (int)Math.Min(bytes / 9, Array.MaxLength);
        byte[]? buffer = null;
        try
        {
            foreach (var (name, blob) in segments)
            {
                var size = checked((int)blob.Size);
                if (buffer is null || buffer.Length < size)
                {
                    if (buffer is not null)
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
                }
                // Straight into one reused buffer: a MemoryStream would grow by doubling and copy each segment twice.
                using (var stream = blob.GetContentStream())
                    stream.ReadExactly(buffer, 0, size);
                MetricHistoryCodec.DecodeInto(buffer.AsSpan(0, size), $"{id}/{name}", points);
            }
        }
        finally
        {
            if (buffer is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return points;
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
