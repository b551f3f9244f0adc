using GitTrack.Core.Cache;
using GitTrack.Core.Listing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Web.Charts;

namespace GitTrack.Web.Api;

/// <summary>
/// The server's one view of the repository: a <see cref="RunStore"/> (a libgit2 repository is not safe to share
/// between threads, so every call takes the lock) with the last few histories kept for the current branch tip, so
/// polling and redrawing do not re-read the branch. Run lists are pages of Core's <see cref="RunListing"/>.
/// </summary>
internal sealed class RunsData : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RunStore _store;
    private readonly LinkedList<(string Key, IReadOnlyList<MetricPoint> Points)> _histories = new();
    private const int HistoriesKept = 2;
    private readonly Dictionary<string, IReadOnlyList<MetricSeries>> _series = new(StringComparer.Ordinal);

    public RunsData(GitDirectories directories)
    {
        Directories = directories;
        _store = RunStore.Open(directories);
        Cache = ArtifactCache.Open(directories);
    }

    public GitDirectories Directories { get; }
    public ArtifactCache Cache { get; }

    public string? Tip
    {
        get { lock (_lock) return _store.Version; }
    }

    /// <summary>
    /// A page of the run list (Core's <see cref="RunListing"/>, as <c>gittrack ls</c> lists): filtered, sorted and
    /// paged here, one summary read at a time from the local index, so 100,000 runs are never all held in memory.
    /// </summary>
    public (string? Tip, RunPage Page) Page(RunListQuery query)
    {
        lock (_lock)
            return (_store.Version, RunListing.Page(_store, query));
    }

    /// <summary>Brings the local run index up to date (read once when the server starts, before the first page asks).</summary>
    public void Warm()
    {
        lock (_lock)
            _store.Count();
    }

    /// <summary>The ids of the listed runs started inside <paramref name="id"/>, oldest first, as <c>gittrack show</c> gives them.</summary>
    public IReadOnlyList<string> Children(string id)
    {
        // From the index's parent links: no summary of the other runs is read.
        lock (_lock)
            return [.. RunListing.Children(_store, id).Select(r => r.Id)];
    }

    /// <summary>When <c>gittrack rm</c> (or the page) hid the run, or null for a listed run.</summary>
    public DateTimeOffset? RemovedAt(string id)
    {
        lock (_lock)
            return _store.RemovedAt(id);
    }

    public string? OnlyOn(string id)
    {
        lock (_lock)
            return _store.OnlyOn(id);
    }

    public RunRecord Resolve(string text, bool includeRemoved = false)
    {
        lock (_lock)
            return _store.Resolve(text, includeRemoved);
    }

    /// <summary>A run's full history; the last few are kept, keyed by run and tip (a running run grows).</summary>
    public IReadOnlyList<MetricPoint> History(string id)
    {
        lock (_lock)
        {
            var key = $"{_store.Version}:{id}";
            for (var node = _histories.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key)
                    continue;
                _histories.Remove(node);
                _histories.AddFirst(node);
                return node.Value.Points;
            }
            var points = _store.ReadHistory(id);
            _histories.AddFirst((key, points));
            while (_histories.Count > HistoriesKept)
                _histories.RemoveLast();
            return points;
        }
    }

    /// <summary>
    /// A run's metrics ready to draw, kept per branch tip (so a polling page costs nothing until the run grows);
    /// reading and reducing a long history takes far longer than sending the few thousand points.
    /// </summary>
    public IReadOnlyList<MetricSeries> Series(RunRecord run, MetricSeries.Axis axis, int maxPoints)
    {
        string key;
        lock (_lock)
        {
            key = $"{_store.Version}:{run.Id}:{axis}:{maxPoints}";
            if (_series.TryGetValue(key, out var cached))
                return cached;
        }
        var series = MetricSeries.Of(History(run.Id), run.StartedAt, axis, maxPoints);
        lock (_lock)
        {
            if (_series.Count >= 64)
                _series.Clear();
            _series[key] = series;
        }
        return series;
    }

    /// <summary>Changes a finished run's manifest (tags, note) as one commit, as <c>gittrack tag</c> and <c>note</c> do.</summary>
    public void Change(string id, Func<RunRecord, RunRecord> change)
    {
        lock (_lock)
        {
            _store.Change(id, change, "edited in gittrack ui");
        }
    }

    /// <summary>Gives a run a new, unused name as one commit, as <c>gittrack rename</c> does.</summary>
    public RunRecord Rename(RunRecord run, string name)
    {
        lock (_lock)
        {
            var changed = _store.Change(run.Id, r => r with { Name = name }, $"renamed from {run.Name} in gittrack ui");
            return changed;
        }
    }

    /// <summary>Hides a run from listings (its tombstone, one commit), as <c>gittrack rm</c> does.</summary>
    public void Remove(string id)
    {
        lock (_lock)
        {
            _store.Remove(id);
        }
    }

    /// <summary>Lists a hidden run again, as <c>gittrack restore</c> does.</summary>
    public void Restore(string id)
    {
        lock (_lock)
        {
            _store.Restore(id);
        }
    }

    public void Dispose() => _store.Dispose();
}
