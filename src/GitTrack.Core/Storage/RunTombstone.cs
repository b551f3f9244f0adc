using System.Globalization;
using GitTrack.Core.Errors;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// Schema 1's mark of a run hidden by <c>gittrack rm</c> (<c>runs/&lt;shard&gt;/&lt;id&gt;/deleted</c>, docs/format.md):
/// one line, <c>deleted_at = &lt;RFC 3339 UTC time&gt;</c>. Still read; schema 2 writes an edit with <c>hidden = true</c>
/// instead, and <c>gittrack migrate</c> turns marks into such edits.
/// </summary>
internal static class RunTombstone
{
    public const string FileName = "deleted";

    /// <summary>When the run was removed, from its mark.</summary>
    public static DateTimeOffset Read(string id, GitRepository git, GitTreeEntry entry)
    {
        var bad = new CorruptDataException($"run {id}: its '{FileName}' mark is not 'deleted_at = <UTC time>'",
            "the runs branch was written by another tool or damaged; check it with 'git fsck'");
        if (entry.Kind != GitEntryKind.Blob)
            throw bad;
        var text = RunReader.Text(git.ReadBlob(entry.Id, 256, $"the '{FileName}' mark of run {id}"), $"run {id}: {FileName}").Trim();
        const string prefix = "deleted_at = ";
        if (!text.StartsWith(prefix, StringComparison.Ordinal)
            || !DateTimeOffset.TryParseExact(text[prefix.Length..], ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw bad;
        return at;
    }
}
