using System.Buffers.Binary;
using System.Globalization;
using GitTrack.Core.Cache.Remote;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Cache;

/// <summary>
/// Garbage collection of cache objects (<c>gittrack gc</c>, <c>gittrack rm --purge</c>). An object stays when a run
/// references it on the local runs branch or any remote-tracking copy of it (removed runs included), when it was
/// written or added again within the grace period, or when it was written since a run still recording began (that
/// run adds its artifacts only as it ends: <c>&lt;common dir&gt;/gittrack/active/&lt;id&gt;/</c> marks it). On the artifacts
/// remote (<see cref="CollectRemoteAsync"/>) only the runs on the remote-tracking branches count: what the git
/// remote's runs reference.
/// </summary>
public static class CacheCollector
{
    /// <summary>The default grace period: an object younger than this is never collected.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromDays(1);

    /// <summary>Removes local objects nothing references (<paramref name="dryRun"/>: only says which).</summary>
    public static GcResult CollectLocal(GitDirectories directories, TimeSpan grace, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var cache = ArtifactCache.Open(directories);
        using var store = RunStore.Open(directories);
        var activeSince = ActiveSince(directories, store);
        ReferencedObjects referenced;
        using (var refs = RunsRefs.Open(directories, store.Branch))
            referenced = refs.Collect(local: true, remotes: true);
        var inFolders = FolderFiles(cache, referenced, localOnly: true);
        var cutoff = DateTime.UtcNow - grace;
        var freed = new List<FreedObject>();
        int kept = 0, young = 0, active = 0;
        if (Directory.Exists(cache.ObjectsRoot))
        {
            foreach (var folder in new DirectoryInfo(cache.ObjectsRoot).EnumerateDirectories())
            {
                if (folder.Name.Length != 2)
                    continue;
                foreach (var file in folder.EnumerateFiles())
                {
                    if (ObjectPath.TryParse(folder.Name, file.Name) is not { } key)
                        continue;
                    if (referenced.Keys.Contains(key) || inFolders.Contains(key))
                    {
                        kept++;
                        continue;
                    }
                    var written = file.LastWriteTimeUtc;
                    if (written > cutoff)
                    {
                        young++;
                        continue;
                    }
                    if (activeSince is { } since && written >= since)
                    {
                        active++;
                        continue;
                    }
                    if (!dryRun && !Delete(file.FullName))
                        continue;
                    freed.Add(new FreedObject(key, file.Length));
                }
            }
        }
        var leftovers = dryRun ? 0 : cache.SweepStaleTemporaries(force: true);
        return new GcResult(freed, kept, young, active, referenced.Runs, referenced.Refs, leftovers);
    }

    /// <summary>
    /// Removes objects on the artifacts remote that no run on the remote-tracking runs branches references and that
    /// were last written before the grace period, and incomplete uploads older than it.
    /// </summary>
    public static async Task<GcResult> CollectRemoteAsync(GitDirectories directories, TimeSpan grace, bool dryRun, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var cache = ArtifactCache.Open(directories);
        var remote = cache.Remote ?? throw new InvalidInputException("no artifacts remote is set for this repository",
            $"set one with 'git config {ArtifactsSettings.ConfigKey} s3://BUCKET/PREFIX', or [artifacts] url in {ArtifactsSettings.FileName}");
        ReferencedObjects referenced;
        using (var store = RunStore.Open(directories))
        using (var refs = RunsRefs.Open(directories, store.Branch))
            referenced = refs.Collect(local: false, remotes: true);
        if (referenced.Refs.Count == 0)
            throw new InvalidInputException("no remote-tracking runs branch here to tell which objects the git remote's runs use",
                "fetch it first (git fetch origin), then run 'gittrack gc --remote' again; nothing was deleted");
        // A listing that cannot be read (nowhere, or damaged) throws here: its files are unknown, so nothing is deleted.
        var inFolders = FolderFiles(cache, referenced, localOnly: false);
        var cutoff = DateTimeOffset.UtcNow - grace;
        var freed = new List<FreedObject>();
        int kept = 0, young = 0;
        await foreach (var entry in remote.ListAsync("", null, cancellation).ConfigureAwait(false))
        {
            if (referenced.Keys.Contains(entry.Key) || inFolders.Contains(entry.Key))
                kept++;
            else if (entry.LastModified > cutoff)
                young++;
            else
                freed.Add(new FreedObject(entry.Key, entry.Size));
        }
        var leftovers = 0;
        if (!dryRun)
        {
            await remote.DeleteAsync([.. freed.Select(f => f.Key)], cancellation).ConfigureAwait(false);
            leftovers = await remote.CleanUpInterruptedAsync(grace, cancellation).ConfigureAwait(false);
        }
        return new GcResult(freed, kept, young, 0, referenced.Runs, referenced.Refs, leftovers);
    }

    /// <summary>
    /// Removes the local objects of <paramref name="runs"/> (already hidden by the caller) that no other run references
    /// on any local or remote-tracking runs branch, whatever their age, except those written since a run still
    /// recording began. Returns what it freed; <see cref="GcResult.Referenced"/> counts the objects other runs keep.
    /// </summary>
    public static GcResult Purge(GitDirectories directories, IReadOnlyList<RunRecord> runs, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(runs);
        var cache = ArtifactCache.Open(directories);
        using var store = RunStore.Open(directories);
        var activeSince = ActiveSince(directories, store);
        ReferencedObjects others;
        using (var refs = RunsRefs.Open(directories, store.Branch))
            others = refs.Collect(local: true, remotes: true, except: runs.Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
        var inFolders = FolderFiles(cache, others, localOnly: true);
        var freed = new List<FreedObject>();
        int kept = 0, active = 0;
        foreach (var key in ArtifactSync.NeedsOf(runs).Keys)
        {
            var file = new FileInfo(cache.PathOf(key));
            if (!file.Exists)
                continue;
            if (others.Keys.Contains(key) || inFolders.Contains(key))
            {
                kept++;
                continue;
            }
            if (activeSince is { } since && file.LastWriteTimeUtc >= since)
            {
                active++;
                continue;
            }
            if (!dryRun && !Delete(file.FullName))
                continue;
            freed.Add(new FreedObject(key, file.Length));
        }
        return new GcResult(freed, kept, 0, active, others.Runs, others.Refs, 0);
    }

    /// <summary>
    /// When the oldest run still recording here began (from its id), less a minute for clocks; null when none is.
    /// A scratch folder whose run is on the branch counts while the run is running (not crashed); one whose run is
    /// not on the branch yet counts while the folder is younger than a day.
    /// </summary>
    internal static DateTime? ActiveSince(GitDirectories directories, RunStore store)
    {
        var folder = Path.Combine(directories.GitTrackDir, "active");
        if (!Directory.Exists(folder))
            return null;
        DateTime? earliest = null;
        foreach (var scratch in new DirectoryInfo(folder).EnumerateDirectories())
        {
            if (!RunId.IsValid(scratch.Name))
                continue;
            bool running;
            try
            {
                running = store.Get(scratch.Name).Status == RunStatus.Running;
            }
            catch (NotFoundException)
            {
                running = scratch.LastWriteTimeUtc > DateTime.UtcNow - TimeSpan.FromDays(1);
            }
            catch (CorruptDataException)
            {
                running = true; // cannot tell: keep its objects
            }
            if (!running)
                continue;
            var seconds = BinaryPrimitives.ReadUInt32BigEndian(Convert.FromHexString(scratch.Name[16..]));
            var started = DateTime.UnixEpoch.AddSeconds(seconds) - TimeSpan.FromMinutes(1);
            if (earliest is null || started < earliest)
                earliest = started;
        }
        return earliest;
    }

    private static bool Delete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // another user's object in a shared cache, or a file system that refuses: left in place
        }
    }

    /// <summary>Parses a grace period: a number with a unit, <c>30s</c>, <c>15m</c>, <c>12h</c>, <c>7d</c>, <c>2w</c>, or <c>0</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed == "0")
            return TimeSpan.Zero;
        if (trimmed.Length >= 2 && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? span = trimmed[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (span is { } value)
                return value;
        }
        throw new InvalidInputException($"'{text}' is not a duration", "give a number and a unit: 30s, 15m, 12h, 1d, 2w (or 0)");
    }

    /// <summary>
    /// The files named by the listings of the stored folder inputs <paramref name="referenced"/> found (docs/format.md,
    /// "Inputs"), which are referenced as much as the listings. <paramref name="localOnly"/>: a listing not in the
    /// local cache is skipped (its files are unlikely to be here either); otherwise it is fetched, and one that cannot
    /// be read throws, so a remote collection that cannot tell what a folder holds deletes nothing.
    /// </summary>
    private static HashSet<Blake3Hash> FolderFiles(ArtifactCache cache, ReferencedObjects referenced, bool localOnly)
    {
        var files = new HashSet<Blake3Hash>();
        foreach (var listing in referenced.Listings)
        {
            if (localOnly && !cache.Contains(listing))
                continue;
            try
            {
                foreach (var (key, _) in ArtifactSync.ListingFiles(cache, listing))
                    files.Add(key);
            }
            catch (Exception e) when (localOnly && e is GitTrackException or IOException)
            {
                // A damaged local listing: its folder cannot be restored anyway; gc still keeps the listing's key.
            }
        }
        return files;
    }
}
