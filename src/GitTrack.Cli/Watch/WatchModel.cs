using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Live;

namespace GitTrack.Cli.Watch;

/// <summary>
/// What <c>gittrack watch</c> shows, read from an <see cref="IRunSource"/>: the runs named, or matched by a filter,
/// or else those running now (and those seen running since the watch began, so a run that just ended stays), with
/// their curves. <see cref="Refresh"/> reads again only when the source's version moved, and a run's history only
/// while it runs or when it first appears.
/// </summary>
internal sealed class WatchModel
{
    /// <summary>The most runs a filter brings in (newest first); more would not fit on any screen.</summary>
    public const int MaxRuns = 50;

    private readonly IRunSource _source;
    private readonly IReadOnlyList<string> _pinned;
    private readonly string? _filter;
    private readonly Dictionary<string, WatchedRun> _loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenRunning = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Version, RunRecord Record)> _records = new(StringComparer.Ordinal);
    private string? _version;
    private bool _first = true;

    /// <param name="source">Where the runs are read from.</param>
    /// <param name="pinned">Run ids to show (named on the command line), or empty.</param>
    /// <param name="filter">A filter expression (docs/query.md) choosing the runs, or null.</param>
    public WatchModel(IRunSource source, IReadOnlyList<string> pinned, string? filter)
    {
        _source = source;
        _pinned = pinned;
        _filter = filter;
    }

    public IReadOnlyList<WatchedRun> Runs { get; private set; } = [];

    /// <summary>True when the runs were chosen by name or filter, false when they are the running ones.</summary>
    public bool Chosen => _pinned.Count > 0 || _filter is not null;

    /// <summary>Reads the source again if it changed; true when something did.</summary>
    public bool Refresh()
    {
        var version = _source.Version;
        if (!_first && version == _version)
            return false;
        _first = false;
        _version = version;
        var list = _source.List();
        List<RunSummary> shown;
        if (_pinned.Count > 0)
        {
            var byId = list.ToDictionary(r => r.Id, StringComparer.Ordinal);
            shown = _pinned.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        }
        else if (_filter is not null)
            shown = RunQuery.Select(list, RunSummaryFields.Instance, _filter, null, MaxRuns, QueryContext.System);
        else
        {
            foreach (var run in list)
                if (run.Status == RunStatus.Running)
                    _seenRunning.Add(run.Id);
            shown = list.Where(r => _seenRunning.Contains(r.Id))
                .OrderBy(r => r.Status == RunStatus.Running ? 0 : 1).ThenByDescending(r => r.StartedAt).Take(MaxRuns).ToList();
        }

        var runs = new List<WatchedRun>(shown.Count);
        foreach (var summary in shown)
        {
            if (_loaded.TryGetValue(summary.Id, out var loaded) && !Changed(loaded.Summary, summary))
            {
                loaded.Summary = summary;
                runs.Add(loaded);
                continue;
            }
            IReadOnlyList<MetricPoint> history;
            try
            {
                history = _source.ReadHistory(summary.Id);
            }
            catch (GitTrackException)
            {
                history = []; // removed or unreadable meanwhile: shown without curves rather than stopping the watch
            }
            runs.Add(_loaded[summary.Id] = new WatchedRun(summary, history));
        }
        Runs = runs;
        return true;
    }

    /// <summary>The run's full record (for its log), or null when it cannot be read now.</summary>
    public RunRecord? Record(WatchedRun run)
    {
        if (_records.TryGetValue(run.Summary.Id, out var cached) && cached.Version == _version)
            return cached.Record;
        try
        {
            var record = _source.Get(run.Summary.Id);
            _records[run.Summary.Id] = (_version, record);
            return record;
        }
        catch (GitTrackException)
        {
            return null;
        }
    }

    /// <summary>The last lines of the run's log as a terminal would show them, or null when its log is not on this machine.</summary>
    public List<string>? LogTail(WatchedRun run, int lines)
    {
        if (lines <= 0)
            return [];
        RunRecord? record = Record(run);
        if (record is null)
            return null;
        var text = _source.ReadLogTail(record, Math.Clamp(lines * 400, 4096, 256 * 1024));
        return text is null ? null : TerminalText.LogLines(text, lines);
    }

    /// <summary>A run whose history may have grown: it is (or was, when last read) running, or its metrics moved.</summary>
    private static bool Changed(RunSummary before, RunSummary now) =>
        before.Status == RunStatus.Running || now.Status != before.Status || now.Metrics.Count != before.Metrics.Count
        || now.EndedAt != before.EndedAt;
}
