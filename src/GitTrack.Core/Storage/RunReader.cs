using System.Runtime.InteropServices;
using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// One run's folder on the runs branch, read and checked (docs/format.md, "A run's folder"): the recorder's manifest,
/// its history segments, the edits made since, and the schema 1 leftovers (<c>code</c>, <c>deleted</c>).
/// <see cref="Folded"/> is the run as users see it.
/// </summary>
internal sealed record RunFolder
{
    public required string Id { get; init; }
    /// <summary>The folder's tree id: equal ids mean equal folders.</summary>
    public required string TreeId { get; init; }
    public required IReadOnlyList<GitTreeEntry> Entries { get; init; }
    public required RunRecord Manifest { get; init; }
    public required string ManifestBlob { get; init; }
    public IReadOnlyList<RunEdit> Edits { get; init; } = [];
    /// <summary>A schema 1 <c>deleted</c> mark: when <c>gittrack rm</c> hid the run.</summary>
    public DateTimeOffset? Tombstone { get; init; }

    public GitTreeEntry? Entry(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>The run with its edits applied, and when it was hidden (null when listed).</summary>
    public (RunRecord Run, DateTimeOffset? HiddenAt) Folded => RunEdit.Fold(Manifest, Tombstone, Edits);

    /// <summary>The Lamport clock the next edit of this run takes.</summary>
    public long NextClock => Edits.Count == 0 ? 1 : Edits.Max(e => e.Clock) + 1;
}

/// <summary>Reads run folders and their metric histories from the runs branch, checking their shape before anything uses them.</summary>
internal static class RunReader
{
    /// <summary>The largest manifest a reader accepts: far above any real one, far below what would hurt.</summary>
    public const int MaxManifestBytes = 16 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The run folder <paramref name="runEntry"/> inside shard <paramref name="shard"/>.</summary>
    public static RunFolder ReadFolder(GitRepository git, string shard, GitTreeEntry runEntry)
    {
        var id = runEntry.Name;
        if (!RunId.IsValid(id) || !id.StartsWith(shard, StringComparison.Ordinal) || runEntry.Kind != GitEntryKind.Tree)
            throw new CorruptDataException($"unexpected entry 'runs/{shard}/{id}' on the runs branch",
                "the runs branch was written by another tool or damaged; check it with 'git fsck'");
        var entries = git.ReadTree(runEntry.Id);
        var manifestEntry = entries.FirstOrDefault(e => e.Name == RunPath.ManifestFile);
        if (manifestEntry is not { Kind: GitEntryKind.Blob })
            throw new CorruptDataException($"run {id}: manifest.toml is missing", "the runs branch was written by another tool or damaged");
        var text = Text(git.ReadBlob(manifestEntry.Id, MaxManifestBytes, $"the manifest of run {id}"), $"run {id}: manifest");
        var manifest = ManifestToml.Read(text, id);
        if (manifest.Id != id)
            throw new CorruptDataException($"run {id}: its manifest says id '{manifest.Id}'", "the runs branch was written by another tool or damaged");

        var edits = new List<RunEdit>();
        if (entries.FirstOrDefault(e => e.Name == RunEdit.Folder) is { } editsEntry)
        {
            if (editsEntry.Kind != GitEntryKind.Tree)
                throw new CorruptDataException($"run {id}: {RunEdit.Folder} is not a folder", "the runs branch was written by another tool or damaged");
            foreach (var edit in git.ReadTree(editsEntry.Id))
            {
                var where = $"run {id}: {RunEdit.Folder}/{edit.Name}";
                if (edit.Kind != GitEntryKind.Blob)
                    throw new CorruptDataException($"{where} is not a file", "the runs branch was written by another tool or damaged");
                edits.Add(RunEdit.Read(edit.Name, Text(git.ReadBlob(edit.Id, RunEdit.MaxBytes, where), where), where));
            }
        }
        DateTimeOffset? tombstone = null;
        if (entries.FirstOrDefault(e => e.Name == RunTombstone.FileName) is { } tombstoneEntry)
            tombstone = RunTombstone.Read(id, git, tombstoneEntry);
        if (entries.FirstOrDefault(e => e.Name == RunPath.HistoryFolder) is { Kind: not GitEntryKind.Tree })
            throw new CorruptDataException($"run {id}: history is not a folder", "the runs branch was written by another tool or damaged");
        return new RunFolder
        {
            Id = id,
            TreeId = runEntry.Id,
            Entries = entries,
            Manifest = manifest,
            ManifestBlob = manifestEntry.Id,
            Edits = edits,
            Tombstone = tombstone,
        };
    }

    /// <summary>Most threads one history read uses.</summary>
    internal static int HistoryReaders { get; set; } = Math.Min(Environment.ProcessorCount, 8);

    /// <summary>
    /// The segments of a history folder in order. Names are a number and <c>.bin</c>; the numbers must run from 0
    /// without a gap or a repeat (a gap means a lost or foreign file).
    /// </summary>
    public static IReadOnlyList<GitTreeEntry> Segments(GitRepository git, string id, GitTreeEntry? historyEntry)
    {
        if (historyEntry is null)
            return [];
        var numbered = new List<(long Number, GitTreeEntry Entry)>();
        foreach (var segment in git.ReadTree(historyEntry.Id))
        {
            if (!RunPath.TryParseSegmentName(segment.Name, out var number) || segment.Kind != GitEntryKind.Blob)
                throw new CorruptDataException($"run {id}: unexpected history entry '{segment.Name}'", "the runs branch was written by another tool or damaged");
            numbered.Add((number, segment));
        }
        numbered.Sort((a, b) => a.Number.CompareTo(b.Number));
        for (var i = 0; i < numbered.Count; i++)
            if (numbered[i].Number != i)
                throw new CorruptDataException($"run {id}: history segment {i} is missing or doubled ('{numbered[i].Entry.Name}')",
                    "the runs branch was written by another tool or damaged");
        return [.. numbered.Select(n => n.Entry)];
    }

    /// <summary>Every history segment of a run folder, in order, decoded and concatenated.</summary>
    public static List<MetricPoint> ReadHistory(GitRepository git, RunFolder folder) =>
        ReadHistory(git, folder.Id, Segments(git, folder.Id, folder.Entry(RunPath.HistoryFolder)));

    /// <summary>
    /// The given segments decoded and concatenated: bytes out of git side by side (up to <see cref="HistoryReaders"/>
    /// threads), then each segment counted and decoded straight into its own stretch of one list.
    /// </summary>
    public static List<MetricPoint> ReadHistory(GitRepository git, string id, IReadOnlyList<GitTreeEntry> segments)
    {
        if (segments.Count == 0)
            return [];
        var buffers = git.ReadBlobs([.. segments.Select(s => s.Id)], HistoryReaders, $"the metric history of run {id}");
        var counts = new int[buffers.Length];
        var offsets = new int[buffers.Length];
        var total = 0;
        for (var i = 0; i < buffers.Length; i++)
        {
            counts[i] = MetricHistoryCodec.CountPoints(buffers[i]);
            if (counts[i] < 0)
            {
                // Malformed: decoding it says how.
                MetricHistoryCodec.Decode(buffers[i], $"{id}/{segments[i].Name}");
                throw new CorruptDataException($"metric history {id}/{segments[i].Name} is malformed", "the runs branch was written by another tool or damaged; check it with 'git fsck'");
            }
            offsets[i] = total;
            total = checked(total + counts[i]);
        }
        var points = new List<MetricPoint>(total);
        CollectionsMarshal.SetCount(points, total);
        Parallel.For(0, buffers.Length, new ParallelOptions { MaxDegreeOfParallelism = HistoryReaders }, i =>
            MetricHistoryCodec.DecodeInto(buffers[i], $"{id}/{segments[i].Name}", CollectionsMarshal.AsSpan(points).Slice(offsets[i], counts[i])));
        return points;
    }

    public static string Text(byte[] bytes, string where)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CorruptDataException($"{where} is not UTF-8", "the runs branch was written by another tool or damaged", e);
        }
    }
}
