using System.Globalization;
using System.Text;
using GitTrack.Core.Errors;
using LibGit2Sharp;

namespace GitTrack.Core.Storage;

/// <summary>
/// The mark <c>gittrack rm</c> leaves in a run's folder (<c>runs/&lt;shard&gt;/&lt;id&gt;/deleted</c>, docs/format.md):
/// one line, <c>deleted_at = &lt;RFC 3339 UTC time&gt;</c>. The run stays on the branch, hidden from listings, until
/// <c>gittrack restore</c> removes the file (or a later garbage collection removes the run).
/// </summary>
internal static class RunTombstone
{
    public const string FileName = "deleted";

    public static string Format(DateTimeOffset at) =>
        $"deleted_at = {at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\n";

    /// <summary>When the run in <paramref name="runTree"/> was removed, or null when it has no tombstone.</summary>
    public static DateTimeOffset? Read(string id, Tree runTree)
    {
        if (runTree[FileName] is not { } entry)
            return null;
        var bad = new CorruptDataException($"run {id}: its '{FileName}' mark is not 'deleted_at = <UTC time>'",
            "the runs branch was written by another tool or damaged; check it with 'git fsck'");
        if (entry.TargetType != TreeEntryTargetType.Blob)
            throw bad;
        var blob = (Blob)entry.Target;
        if (blob.Size > 256)
            throw bad;
        var text = blob.GetContentText(Encoding.UTF8).Trim();
        const string prefix = "deleted_at = ";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)
            || !DateTimeOffset.TryParseExact(text[prefix.Length..], ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw bad;
        return at;
    }
}
