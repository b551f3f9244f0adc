using System.Globalization;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Storage;

/// <summary>
/// Where a run lives in the runs branch's tree: <c>runs/&lt;first 2 hex of id&gt;/&lt;id&gt;/</c>, holding
/// <c>manifest.toml</c>, <c>history/NNNNNN.bin</c> and <c>edits/&lt;edit id&gt;.toml</c> (docs/format.md). Formats and parses.
/// </summary>
internal static class RunPath
{
    public const string RunsFolder = "runs";
    public const string ManifestFile = "manifest.toml";
    public const string HistoryFolder = "history";
    /// <summary>Schema 1 only: the code snapshot as a tree entry of the run's folder (schema 2 keeps it out of the tree).</summary>
    public const string LegacyCodeEntry = "code";

    public static string ShardOf(RunId id) => id.Value[..2];

    public static string FolderOf(RunId id) => $"{RunsFolder}/{ShardOf(id)}/{id.Value}";

    public static string FolderOf(string id) => $"{RunsFolder}/{id[..2]}/{id}";

    public static string ManifestOf(RunId id) => $"{FolderOf(id)}/{ManifestFile}";

    public static string HistoryOf(RunId id) => $"{FolderOf(id)}/{HistoryFolder}";

    public static string EditOf(RunId id, RunEdit edit) => $"{FolderOf(id)}/{RunEdit.Folder}/{edit.FileName}";

    /// <summary>The name of history segment <paramref name="index"/>: at least six digits (<c>000000.bin</c>), more when needed.</summary>
    public static string SegmentName(long index) => index.ToString("D6", CultureInfo.InvariantCulture) + ".bin";

    /// <summary>
    /// Reads a segment's number from its name: one or more ASCII digits then <c>.bin</c>. Schema 1 wrote five digits,
    /// schema 2 writes six or more; readers accept any count, so there is no limit on how many segments a run has.
    /// </summary>
    public static bool TryParseSegmentName(string name, out long index)
    {
        index = -1;
        if (name.Length < 5 || name.Length > 23 || !name.EndsWith(".bin", StringComparison.Ordinal))
            return false;
        var digits = name.AsSpan(0, name.Length - 4);
        return digits.IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>True when a shard folder name is two lowercase hex digits.</summary>
    public static bool IsShardName(string name) => name.Length == 2 && name.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
}
