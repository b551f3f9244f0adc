using System.Collections.Concurrent;
using GitTrack.Core.Cache.Remote;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Cache;

/// <summary>
/// Moves the objects runs reference (artifacts and logs) between the local cache and the repository's artifacts
/// remote. A push checks which objects the remote has (a listing or HEAD requests, many at a time), verifies each
/// missing object's content while it goes up, and makes it visible on the remote only complete; an object the remote
/// already has but that is older than <see cref="RefreshAge"/> gets its time refreshed, so a concurrent
/// <c>gittrack gc --remote</c> counts it as new. When a push returns, every object of the runs is on the remote;
/// when it throws, some may be and the runs must not be published yet (the caller pushes git only afterwards).
/// </summary>
public static class ArtifactSync
{
    /// <summary>Objects uploaded side by side (a large one also sends its parts side by side).</summary>
    internal const int UploadsInFlight = 8;
    /// <summary>Existence checks (HEAD requests) in flight.</summary>
    internal const int ChecksInFlight = 32;
    /// <summary>From this many objects on, the remote's listing is read instead of one HEAD per object.</summary>
    internal const int ListFrom = 64;
    /// <summary>An object already on the remote but last written longer ago than this is refreshed by a push.</summary>
    public static readonly TimeSpan RefreshAge = TimeSpan.FromHours(12);

    /// <summary>Whether the repository has an artifacts remote (git config gittrack.artifacts or .gittrack.toml).</summary>
    public static bool IsConfigured(GitDirectories directories) => ArtifactsSettings.Find(directories) is not null;

    /// <summary>
    /// Uploads every object <paramref name="runs"/> reference that the artifacts remote lacks; see
    /// <see cref="PushAsync(ArtifactCache, IEnumerable{RunRecord}, IProgress{long}?, CancellationToken)"/>. Throws
    /// <see cref="InvalidInputException"/> when no artifacts remote is set.
    /// </summary>
    public static Task<SyncResult> PushAsync(GitDirectories directories, IEnumerable<RunRecord> runs,
        IProgress<long>? progress = null, CancellationToken cancellation = default) =>
        PushAsync(ArtifactCache.Open(directories), runs, progress, cancellation);

    /// <summary>
    /// Uploads every object <paramref name="runs"/> reference that the cache's remote lacks. Progress reports the
    /// stored bytes sent so far (a running total). Throws <see cref="NotFoundException"/> naming run, path and key
    /// for objects that are neither here nor on the remote, <see cref="CorruptDataException"/> for a local object
    /// that fails verification (never uploaded), and <see cref="RemoteStoreException"/> when the remote fails.
    /// </summary>
    public static async Task<SyncResult> PushAsync(ArtifactCache cache, IEnumerable<RunRecord> runs,
        IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var remote = RequireRemote(cache);
        var needs = NeedsOf(runs, cache);
        var present = await FindPresentAsync(remote, needs.Keys, cancellation).ConfigureAwait(false);

        var toUpload = new List<ObjectNeed>();
        var toRefresh = new List<Blake3Hash>();
        var cutoff = DateTimeOffset.UtcNow - RefreshAge;
        foreach (var (key, need) in needs)
        {
            var localPath = cache.PathOf(key);
            var localSize = File.Exists(localPath) ? new FileInfo(localPath).Length : -1;
            if (present.TryGetValue(key, out var found) && (localSize < 0 || found.Size == localSize))
            {
                if (found.LastModified < cutoff)
                    toRefresh.Add(key);
                continue;
            }
            // Missing there, or not the size of ours (a store that showed a partial object): upload.
            toUpload.Add(need);
        }
        var nowhere = toUpload.Where(n => !cache.Contains(n.Key)).ToList();
        if (nowhere.Count > 0)
            throw new NotFoundException($"{Objects(nowhere.Count)} of the runs {(nowhere.Count == 1 ? "is" : "are")} neither in the local cache nor on the artifacts remote {remote}: {Names(nowhere)}",
                "nothing was published; fetch them from the clone that recorded the runs, or leave those runs out");

        long sent = 0;
        var counter = progress is null ? null : new Progress(bytes => progress.Report(Interlocked.Add(ref sent, bytes)));
        long uploadedBytes = 0;
        await Parallel.ForEachAsync(toUpload.OrderByDescending(n => new FileInfo(cache.PathOf(n.Key)).Length),
            new ParallelOptions { MaxDegreeOfParallelism = UploadsInFlight, CancellationToken = cancellation },
            async (need, token) =>
            {
                var path = cache.PathOf(need.Key);
                var size = new FileInfo(path).Length;
                // The content is re-hashed while it goes up; the remote makes it visible only once that succeeded.
                var verified = Task.Run(() => Verify(cache, need), token);
                try
                {
                    await remote.UploadAsync(need.Key, path, verified, counter, token).ConfigureAwait(false);
                }
                catch (Exception) when (verified.IsFaulted)
                {
                    await verified.ConfigureAwait(false); // the corrupt object is the news, not the abort it caused
                    throw;
                }
                Interlocked.Add(ref uploadedBytes, size);
            }).ConfigureAwait(false);

        await Parallel.ForEachAsync(toRefresh, new ParallelOptions { MaxDegreeOfParallelism = UploadsInFlight, CancellationToken = cancellation },
            async (key, token) => await remote.TouchAsync(key, token).ConfigureAwait(false)).ConfigureAwait(false);
        return new SyncResult(remote.ToString(), needs.Count, toUpload.Count, uploadedBytes, needs.Count - toUpload.Count);
    }

    /// <summary>
    /// Fetches every object <paramref name="runs"/> reference that the local cache lacks, verified as it streams.
    /// Progress reports the stored bytes received so far (a running total). All objects are tried; then one
    /// <see cref="NotFoundException"/> names those the remote lacks too.
    /// </summary>
    public static async Task<SyncResult> PullAsync(ArtifactCache cache, IEnumerable<RunRecord> runs,
        IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var remote = RequireRemote(cache);
        var needs = NeedsOf(runs, cache);
        var missing = needs.Values.Where(n => !cache.Contains(n.Key)).ToList();
        long received = 0;
        var counter = new Progress(bytes =>
        {
            var total = Interlocked.Add(ref received, bytes);
            progress?.Report(total);
        });
        await cache.EnsureLocalAsync(missing, counter, cancellation).ConfigureAwait(false);
        return new SyncResult(remote.ToString(), needs.Count, missing.Count, Interlocked.Read(ref received), needs.Count - missing.Count);
    }

    private static ArtifactsRemote RequireRemote(ArtifactCache cache) => cache.Remote
        ?? throw new InvalidInputException("no artifacts remote is set for this repository",
            $"set one with 'git config {ArtifactsSettings.ConfigKey} s3://BUCKET/PREFIX' (or a folder path), or [artifacts] url in {ArtifactsSettings.FileName} for the whole team");

    /// <summary>
    /// Each distinct key the runs reference, with the first run and path naming it: artifacts, the log, and the inputs
    /// the run stored (<c>--store</c>). With <paramref name="cache"/>, a stored folder's files are added too, as its
    /// listing in the local cache names them (docs/format.md, "Inputs"); a listing not here adds nothing.
    /// </summary>
    internal static Dictionary<Blake3Hash, ObjectNeed> NeedsOf(IEnumerable<RunRecord> runs, ArtifactCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var needs = new Dictionary<Blake3Hash, ObjectNeed>();
        foreach (var run in runs)
        {
            var label = $"{run.Name} ({run.Id[..RunId.ShortLength]})";
            foreach (var artifact in run.Artifacts)
                needs.TryAdd(artifact.Key, new ObjectNeed(artifact.Key, label, artifact.Path));
            if (run.Log is { } log)
                needs.TryAdd(log.Key, new ObjectNeed(log.Key, label, log.Path));
            foreach (var input in run.Inputs.Where(i => i.Stored))
            {
                needs.TryAdd(input.Key, new ObjectNeed(input.Key, label, input.Path));
                if (input.IsFolder && cache is not null && cache.Contains(input.Key))
                    foreach (var (key, path) in FolderFiles(cache, input))
                        needs.TryAdd(key, new ObjectNeed(key, label, $"{input.Path}/{path}"));
            }
        }
        return needs;
    }

    /// <summary>The files a stored folder input's listing names; none when the listing cannot be read.</summary>
    private static IReadOnlyList<(Blake3Hash Key, string Path)> FolderFiles(ArtifactCache cache, InputEntry input)
    {
        try
        {
            return ListingFiles(cache, input.Key);
        }
        catch (Exception e) when (e is GitTrackException or IOException)
        {
            // Damaged or gone meanwhile: the listing's own key is still pushed, and a rerun says what it lacks.
            return [];
        }
    }

    /// <summary>
    /// The files the folder listing <paramref name="listing"/> names (docs/format.md, "Inputs"), read from the cache
    /// (fetched from the artifacts remote when missing here). Throws as <see cref="ArtifactCache.CopyTo"/> does.
    /// </summary>
    internal static IReadOnlyList<(Blake3Hash Key, string Path)> ListingFiles(ArtifactCache cache, Blake3Hash listing)
    {
        var files = new List<(Blake3Hash, string)>();
        using var content = new MemoryStream();
        cache.CopyTo(listing, content);
        foreach (var line in System.Text.Encoding.UTF8.GetString(content.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 3);
            if (parts.Length == 3 && Blake3Hash.TryParse(parts[0], out var key))
                files.Add((key, parts[2]));
        }
        return files;
    }

    /// <summary>
    /// Which of <paramref name="keys"/> the remote has. Few keys: a HEAD request each, side by side. Many: the remote's
    /// listing, read in key order, is authoritative for every key up to the last one it reached; when the remote turns
    /// out much larger than the set asked about, the listing stops and the keys past it are asked one by one.
    /// </summary>
    internal static async Task<Dictionary<Blake3Hash, RemoteObject>> FindPresentAsync(ArtifactsRemote remote, IEnumerable<Blake3Hash> keys, CancellationToken cancellation)
    {
        var wanted = keys.Select(k => (Hex: k.ToString(), Key: k)).OrderBy(k => k.Hex, StringComparer.Ordinal).ToList();
        var present = new ConcurrentDictionary<Blake3Hash, RemoteObject>();
        var unknown = wanted;
        if (wanted.Count >= ListFrom)
        {
            var wantedSet = wanted.Select(w => w.Key).ToHashSet();
            long budget = (long)wanted.Count * 100; // a listed entry costs about a hundredth of a request
            string? reached = null;
            var complete = true;
            await foreach (var entry in remote.ListAsync("", null, cancellation).ConfigureAwait(false))
            {
                if (wantedSet.Contains(entry.Key))
                    present[entry.Key] = entry;
                reached = entry.Key.ToString();
                if (--budget <= 0)
                {
                    complete = false;
                    break;
                }
            }
            unknown = complete ? [] : wanted.Where(w => string.CompareOrdinal(w.Hex, reached) > 0).ToList();
        }
        await Parallel.ForEachAsync(unknown, new ParallelOptions { MaxDegreeOfParallelism = ChecksInFlight, CancellationToken = cancellation },
            async (item, token) =>
            {
                if (await remote.StatAsync(item.Key, token).ConfigureAwait(false) is { } found)
                    present[item.Key] = found;
            }).ConfigureAwait(false);
        return new Dictionary<Blake3Hash, RemoteObject>(present);
    }

    private static void Verify(ArtifactCache cache, ObjectNeed need)
    {
        var result = cache.Verify(need.Key);
        if (!result.IsIntact)
            throw new CorruptDataException($"corrupt object {need.Key} in the local cache ({need.Describe()}); it was not uploaded",
                $"{result.Problem}; delete {cache.PathOf(need.Key)} and fetch or add the original file again");
    }

    private static string Objects(int n) => n == 1 ? "1 object" : $"{n} objects";

    private static string Names(IReadOnlyList<ObjectNeed> needs)
    {
        const int shown = 5;
        var names = string.Join(", ", needs.Take(shown).Select(n => n.Describe()));
        return needs.Count > shown ? $"{names} and {needs.Count - shown} more" : names;
    }

    /// <summary>Reports on the calling thread (no synchronization context), unlike <see cref="Progress{T}"/>.</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
