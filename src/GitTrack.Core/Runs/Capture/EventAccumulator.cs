namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Gathers what the events file said over a whole run, batch after batch: each metric's full history and last
/// value, params and tags (the later value wins), defaults the code read (the first one wins), artifact paths (each once, in first-seen order), the
/// problems found and the last error message. <see cref="TakeChanged"/> tells the recorder whether anything new arrived since it last
/// asked, to decide on a checkpoint commit.
/// </summary>
public sealed class EventAccumulator
{
    private readonly Dictionary<string, List<MetricPoint>> _histories = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _last = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, object> _params = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, object> _defaults = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _tags = new(StringComparer.Ordinal);
    private readonly List<string> _artifacts = [];
    private readonly HashSet<string> _artifactSet = new(StringComparer.Ordinal);
    private readonly List<EventProblem> _problems = [];
    private bool _changed;

    /// <summary>Each metric's points in the order they were written.</summary>
    public IReadOnlyDictionary<string, List<MetricPoint>> Histories => _histories;

    /// <summary>Each metric's last value (what the manifest's [metrics] table holds).</summary>
    public IReadOnlyDictionary<string, double> LastValues => _last;

    public IReadOnlyDictionary<string, object> Params => _params;

    /// <summary>
    /// The first default read for each name (param events marked <c>"default":true</c>). They fill in only names that
    /// neither the run's options nor any param event set, whichever came first: a default never overrides a value.
    /// </summary>
    public IReadOnlyDictionary<string, object> DefaultParams => _defaults;
    public IReadOnlyDictionary<string, string> Tags => _tags;
    public IReadOnlyList<string> Artifacts => _artifacts;
    public IReadOnlyList<EventProblem> Problems => _problems;
    public long UnlistedProblems { get; private set; }
    public long PointCount { get; private set; }

    /// <summary>The last <c>error</c> event's message: why the command says it failed (stored as the run's error).</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Adds <paramref name="batch"/>. Points without a timestamp get <paramref name="readAt"/> when given (the time
    /// the batch was read, within a polling interval of when it was written), else stay without one.
    /// </summary>
    public void Apply(EventBatch batch, DateTimeOffset? readAt = null)
    {
        foreach (var point in batch.Metrics)
        {
            if (!_histories.TryGetValue(point.Name, out var history))
                _histories.Add(point.Name, history = []);
            history.Add(readAt is { } t && point.Timestamp is null ? point with { Timestamp = t } : point);
            _last[point.Name] = point.Value;
        }
        PointCount += batch.Metrics.Count;
        foreach (var (name, value) in batch.Params)
            _params[name] = value;
        foreach (var (name, value) in batch.DefaultParams)
            _defaults.TryAdd(name, value);
        foreach (var (name, value) in batch.Tags)
            _tags[name] = value;
        foreach (var path in batch.Artifacts)
            if (_artifactSet.Add(path))
                _artifacts.Add(path);
        _problems.AddRange(batch.Problems);
        UnlistedProblems += batch.UnlistedProblems;
        if (batch.Error is not null)
            Error = batch.Error;
        _changed |= !batch.IsEmpty;
    }

    /// <summary>Whether anything was applied since the last call (resets the flag).</summary>
    /// <summary>Marks that something is still unsaved (a checkpoint that could not be written is tried again).</summary>
    public void MarkChanged() => _changed = true;

    public bool TakeChanged()
    {
        var changed = _changed;
        _changed = false;
        return changed;
    }
}
