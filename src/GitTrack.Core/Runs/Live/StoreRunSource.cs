using System.Text;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Runs.Live;

/// <summary>
/// <see cref="IRunSource"/> over the runs branch (<see cref="RunStore"/>): its tip is the version, checkpoints are
/// commits on it; a running run's log is the file its recorder writes in the run's scratch folder
/// (<c>&lt;common dir&gt;/gittrack/active/&lt;id&gt;/output.log</c>), an ended run's is a cache object.
/// </summary>
public sealed class StoreRunSource : IRunSource
{
    private readonly RunStore _store;
    private readonly GitDirectories _directories;
    private readonly Dictionary<string, string?> _endedLogs = new(StringComparer.Ordinal);

    public StoreRunSource(GitDirectories directories)
    {
        _directories = directories;
        _store = RunStore.Open(directories);
    }

    public string? Version => _store.Version;

    public IReadOnlyList<RunSummary> List() => _store.List();

    public RunRecord Get(string idOrName) => _store.Resolve(idOrName);

    public IReadOnlyList<MetricPoint> ReadHistory(string id) => _store.ReadHistory(id);

    public string? ReadLogTail(RunRecord run, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        // The id was validated when the run was read, so the path stays inside the scratch folder.
        var live = Path.Combine(_directories.GitTrackDir, "active", RunId.Parse(run.Id).Value, "output.log");
        if (run.Status == RunStatus.Running && TailOfFile(live, maxBytes) is { } text)
            return text;
        if (run.Log is not { } log)
            return null;
        // An ended run's log never changes: decompressed once per watch, however often it is shown.
        var cacheKey = $"{run.Id}:{log.Key}:{maxBytes}";
        if (_endedLogs.TryGetValue(cacheKey, out var cached))
            return cached;
        string? tail = null;
        try
        {
            var cache = ArtifactCache.Open(_directories);
            if (cache.Contains(log.Key))
            {
                using var stream = cache.OpenRead(log.Key);
                tail = Tail(stream, maxBytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or GitTrackException)
        {
            tail = null; // a log that cannot be read (corrupt, removed) is shown as missing, never fails the view
        }
        _endedLogs[cacheKey] = tail;
        return tail;
    }

    private static string? TailOfFile(string path, int maxBytes)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length > maxBytes)
                file.Seek(-maxBytes, SeekOrigin.End);
            return Tail(file, maxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // not there (yet, or any more: the run just ended and its scratch folder went)
        }
    }

    /// <summary>The last <paramref name="maxBytes"/> of a stream read to its end, as UTF-8 (a character cut at the start is dropped).</summary>
    private static string Tail(Stream stream, int maxBytes)
    {
        var ring = new byte[maxBytes];
        long total = 0;
        var buffer = new byte[Math.Min(maxBytes, 64 * 1024)];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            for (var i = 0; i < read;)
            {
                var at = (int)(total % maxBytes);
                var n = Math.Min(read - i, maxBytes - at);
                Buffer.BlockCopy(buffer, i, ring, at, n);
                i += n;
                total += n;
            }
        }
        byte[] bytes;
        if (total <= maxBytes)
            bytes = ring[..(int)total];
        else
        {
            var start = (int)(total % maxBytes);
            bytes = [.. ring[start..], .. ring[..start]];
        }
        var skip = 0;
        while (skip < bytes.Length && skip < 3 && (bytes[skip] & 0xC0) == 0x80)
            skip++; // continuation bytes of a character cut off at the start
        return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    public void Dispose() => _store.Dispose();
}
