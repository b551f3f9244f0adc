using GitTrack.Core.Runs;

namespace GitTrack.Core.Storage;

/// <summary>
/// Where a run lives in the runs branch's tree: <c>runs/&lt;first 2 hex of id&gt;/&lt;id&gt;/</c>, holding
/// <c>manifest.toml</c>, <c>history/NNNNN.bin</c> and <c>code</c> (the snapshot tree). Formats and parses.
/// </summary>
internal static class RunPath
{
    public const string RunsFolder = "runs";
    public const string ManifestFile = "manifest.toml";
    public const string HistoryFolder = "history";
    public const string CodeEntry = "code";

    public static string ShardOf(RunId id) => id.Value[..2];

    public static string FolderOf(RunId id) => $"{RunsFolder}/{ShardOf(id)}/{id.Value}";

    public static string ManifestOf(RunId id) => $"{FolderOf(id)}/{ManifestFile}";

    public static string HistoryOf(RunId id) => $"{FolderOf(id)}/{HistoryFolder}";

    public static string CodeOf(RunId id) => $"{FolderOf(id)}/{CodeEntry}";

    /// <summary>The name of history segment <paramref name="index"/> (<c>00000.bin</c>).</summary>
    public static string SegmentName(int index) => $"{index:D5}.bin";

    public static bool TryParseSegmentName(string name, out int index)
    {
        index = -1;
        return name.Length == 9 && name.EndsWith(".bin", StringComparison.Ordinal) && name[..5].All(char.IsAsciiDigit)
            && int.TryParse(name[..5], out index);
    }

    /// <summary>True when a shard folder name is two lowercase hex digits.</summary>
    public static bool IsShardName(string name) => name.Length == 2 && name.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
}
