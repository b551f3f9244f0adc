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
        var expected = 0;
        foreach (var segment in ((Tree)historyEntry.Target).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // Segments are numbered from 00000 without gaps; a gap means a lost or foreign file.
            if (!RunPath.TryParseSegmentName(segment.Name, out var index) || index != expected || segment.TargetType != TreeEntryTargetType.Blob)
                throw new CorruptDataException($"run {id}: unexpected history entry '{segment.Name}'", "the runs branch was written by another tool or damaged");
            expected++;
            using var stream = ((Blob)segment.Target).GetContentStream();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            points.AddRange(MetricHistoryCodec.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), $"{id}/{segment.Name}"));
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
