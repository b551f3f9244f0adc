using System.Text.Json;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Mlflow;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// What the MLflow server maps MLflow's runs to (docs/mlflow.md): the first top-level <c>runs/create</c> is the
/// GitTrack run of <c>gittrack run</c> itself; a create with <c>mlflow.parentRunId</c>, or a later top-level one, starts
/// a child run recorded in-process through <see cref="RunSession"/>. Reads answer from the live runs and from the
/// branch. One lock guards everything (libgit2 is not thread-safe); requests are small.
/// </summary>
internal sealed class MlflowRuns : IDisposable
{
    private readonly Lock _lock = new();
    private readonly GitDirectories _directories;
    private readonly string _workingDirectory;
    private readonly Action<string>? _warn;
    private readonly RunStore _store;
    private readonly Dictionary<string, LiveRun> _live = new(StringComparer.Ordinal);
    // Experiments created through the API in this run (GitTrack keeps experiments only as a run tag).
    private readonly SortedDictionary<string, string> _created = new(StringComparer.Ordinal);
    private readonly Timer _poll;
    private LiveRun? _root;
    private bool _rootClaimed;
    private bool _closed;
    private int _pollFailed;

    public MlflowRuns(GitDirectories directories, string workingDirectory, Action<string>? warn)
    {
        _directories = directories;
        _workingDirectory = workingDirectory;
        _warn = warn;
        _store = RunStore.Open(directories);
        Cache = ArtifactCache.Open(directories);
        _poll = new Timer(_ => PollChildren(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public ArtifactCache Cache { get; }

    public string TempFolder => Path.Combine(_directories.GitTrackDir, "tmp");

    /// <summary>The run <c>gittrack run</c> records: what the first top-level <c>start_run()</c> becomes.</summary>
    public void AttachRoot(RunSession session)
    {
        lock (_lock)
            _live[session.Run.Id] = _root = new LiveRun(session, isRoot: true);
    }

    // ---- experiments ----

    /// <summary>Every experiment name the server knows: Default, those created here, and those of runs on the branch.</summary>
    private SortedDictionary<string, string> Experiments()
    {
        var byId = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["0"] = MlflowValues.DefaultExperiment };
        foreach (var (id, name) in _created)
            byId[id] = name;
        foreach (var run in _store.List(includeRemoved: true))
            if (run.Tags.TryGetValue(MlflowValues.ExperimentTag, out var name) && name.Length > 0)
                byId[MlflowValues.ExperimentId(name)] = name;
        foreach (var run in _live.Values)
            if (run.Tags.TryGetValue(MlflowValues.ExperimentTag, out var name) && name.Length > 0)
                byId[MlflowValues.ExperimentId(name)] = name;
        return byId;
    }

    public (string Id, string Name) ExperimentById(string id)
    {
        lock (_lock)
            return Experiments().TryGetValue(id, out var name) ? (id, name)
                : throw MlflowError.NotFound($"No Experiment with id={id} exists");
    }

    public (string Id, string Name) ExperimentByName(string name)
    {
        lock (_lock)
            return Experiments().FirstOrDefault(e => e.Value == name) is { Key: not null } found ? (found.Key, found.Value)
                : throw MlflowError.NotFound($"Could not find experiment with name '{name}'");
    }

    public IReadOnlyList<(string Id, string Name)> AllExperiments()
    {
        lock (_lock)
            return [.. Experiments().Select(e => (e.Key, e.Value))];
    }

    public string CreateExperiment(string name)
    {
        if (name.Length is 0 or > 500 || name.Any(char.IsControl))
            throw MlflowError.Invalid($"Invalid experiment name: '{name}'");
        lock (_lock)
        {
            if (Experiments().ContainsValue(name))
                throw new MlflowError("RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
            var id = MlflowValues.ExperimentId(name);
            _created[id] = name;
            return id;
        }
    }

    // ---- runs ----

    /// <summary>runs/create. The run's start time is GitTrack's own (when it began here), whatever the client sent.</summary>
    public MlflowRunView CreateRun(string experimentId, string? runName, IReadOnlyList<(string Key, string Value)> tags)
    {
        string experimentName;
        lock (_lock)
        {
            CheckOpen();
            experimentName = Experiments().TryGetValue(experimentId, out var known) ? known
                : throw MlflowError.NotFound($"No Experiment with id={experimentId} exists");
        }
        var tagMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
            tagMap[CheckKey(key, "tag")] = CheckValue(value, "tag", key);
        if (runName is not { Length: > 0 } && tagMap.TryGetValue(MlflowValues.RunNameTag, out var named) && named.Length > 0)
            runName = named;
        if (runName is { Length: > 0 })
        {
            if (tagMap.TryGetValue(MlflowValues.RunNameTag, out var tagged) && tagged != runName)
                throw MlflowError.Invalid($"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{runName}', mlflow.runName='{tagged}').");
            tagMap[MlflowValues.RunNameTag] = runName;
        }
        tagMap[MlflowValues.ExperimentTag] = experimentName;
        tagMap.TryGetValue(MlflowValues.ParentTag, out var parentId);

        lock (_lock)
        {
            if (parentId is null && !_rootClaimed && _root is { Ended: false } root)
            {
                // start_run() without nesting is the run gittrack is recording.
                _rootClaimed = true;
                root.ExperimentId = experimentId;
                LogInto(root, [], [], tagMap.Select(t => (t.Key, t.Value)).ToList());
                if (runName is { Length: > 0 })
                    root.Name = runName;
                return MlflowRunView.Of(root);
            }
        }

        // A child: a run of its own, recorded in-process, under its MLflow parent (else under gittrack's run).
        string? parent = null;
        lock (_lock)
        {
            if (parentId is not null && _live.ContainsKey(parentId))
                parent = parentId;
            else if (parentId is not null && RunId.IsValid(parentId) && Exists(parentId))
                parent = parentId;
            else
                parent = _root?.Id;
        }
        var name = runName is { Length: > 0 } n && !n.Any(char.IsControl) && n.Trim() == n ? n : null;
        var session = RunSession.Begin(new RunOptions
        {
            WorkingDirectory = _workingDirectory,
            Name = name,
            Parent = parent,
            Tags = tagMap,
            Warn = _warn,
        }, gittrackVersion: null);
        var live = new LiveRun(session, isRoot: false) { ExperimentId = experimentId };
        if (name is null && runName is { Length: > 0 })
            live.Name = runName;
        lock (_lock)
        {
            _live[live.Id] = live;
            return MlflowRunView.Of(live);
        }
    }

    private bool Exists(string id)
    {
        try
        {
            _store.Get(id);
            return true;
        }
        catch (GitTrackException)
        {
            return false;
        }
    }

    /// <summary>runs/update: a name, and for a child an end (FINISHED, FAILED, KILLED) that commits it as ended.</summary>
    public async Task<MlflowRunView> UpdateRunAsync(string id, string? status, long? endTime, string? runName)
    {
        LiveRun run;
        lock (_lock)
        {
            run = Live(id);
            if (runName is { Length: > 0 })
            {
                run.Name = runName;
                LogInto(run, [], [], [(MlflowValues.RunNameTag, runName)]);
            }
            if (status is null)
                return MlflowRunView.Of(run);
            if (status is not ("RUNNING" or "SCHEDULED" or "FINISHED" or "FAILED" or "KILLED"))
                throw MlflowError.Invalid($"Invalid run status '{status}'");
            if (MlflowValues.EndedStatus(status) is null)
            {
                if (run.Ended)
                    throw new MlflowError("INVALID_STATE_TRANSITION", $"run {id} has ended and cannot be resumed: gittrack records a run while it is live");
                return MlflowRunView.Of(run);
            }
            if (run.Ended)
                return MlflowRunView.Of(run);
            run.Status = status;
            run.EndTime = endTime ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // The run gittrack records ends with its command; end_run() on it only says how the script saw it.
            if (run.IsRoot)
                return MlflowRunView.Of(run);
            run.Ended = true;
        }
        var ended = MlflowValues.EndedStatus(status)!.Value;
        await run.Session.EndAsync(ended, exitCode: null, ended == RunStatus.Completed ? null : $"MLflow run ended {status}",
            DateTimeOffset.FromUnixTimeMilliseconds(run.EndTime!.Value)).ConfigureAwait(false);
        run.Session.Dispose();
        lock (_lock)
            return MlflowRunView.Of(run);
    }

    /// <summary>log-metric, log-parameter, set-tag and log-batch: MLflow's checks, then into the run's session.</summary>
    public void Log(string id, IReadOnlyList<MlflowMetric> metrics, IReadOnlyList<(string Key, string Value)> parameters, IReadOnlyList<(string Key, string Value)> tags)
    {
        if (metrics.Count > 1000 || parameters.Count > 100 || tags.Count > 100 || metrics.Count + parameters.Count + tags.Count > 1000)
            throw MlflowError.Invalid($"A batch logging request can contain at most 1000 metrics, 100 params and 100 tags, 1000 in all. Got {metrics.Count} metrics, {parameters.Count} params and {tags.Count} tags.");
        if (parameters.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() != parameters.Count)
            throw MlflowError.Invalid("Duplicate parameter keys have been submitted.");
        foreach (var metric in metrics)
            CheckKey(metric.Key, "metric");
        foreach (var (key, value) in parameters)
            CheckValue(value, "param", CheckKey(key, "param"));
        foreach (var (key, value) in tags)
            CheckValue(value, "tag", CheckKey(key, "tag"));
        lock (_lock)
        {
            CheckOpen();
            var run = Live(id);
            if (run.Ended)
                throw new MlflowError("INVALID_STATE_TRANSITION", $"run {id} has ended: gittrack records a run only while it is live");
            foreach (var (key, value) in parameters)
                if (run.Params.TryGetValue(key, out var old) && old != value)
                    throw MlflowError.Invalid($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{old}' for run ID='{id}'. Attempted logging new value '{value}'.");
            LogInto(run, metrics, parameters, tags);
        }
    }

    private static void LogInto(LiveRun run, IReadOnlyList<MlflowMetric> metrics, IReadOnlyList<(string Key, string Value)> parameters,
        IReadOnlyList<(string Key, string Value)> tags)
    {
        var batch = new EventBatch();
        foreach (var m in metrics)
        {
            var point = new MetricPoint(m.Key, m.Value, m.Step, DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(m.Timestamp, 0, 253_402_300_799_999)));
            batch.Metrics.Add(point);
            if (!run.History.TryGetValue(m.Key, out var history))
                run.History[m.Key] = history = [];
            history.Add(point);
        }
        foreach (var (key, value) in parameters)
        {
            batch.Params.Add(new(key, MlflowValues.TypeParam(value)));
            run.Params[key] = value;
        }
        foreach (var (key, value) in tags)
        {
            batch.Tags.Add(new(key, value));
            run.Tags[key] = value;
        }
        run.Session.Record(batch);
    }

    /// <summary>An artifact uploaded through the artifact proxy, already in the cache, kept with the run at its end.</summary>
    public void AddArtifact(string id, ArtifactEntry artifact)
    {
        lock (_lock)
        {
            CheckOpen();
            var run = Live(id);
            if (run.Ended)
                throw new MlflowError("INVALID_STATE_TRANSITION", $"run {id} has ended: gittrack records a run only while it is live");
            run.Session.AddStoredArtifact(artifact);
            run.Artifacts[artifact.Path] = artifact;
        }
    }

    /// <summary>A run as MLflow shows it: live, or from the branch.</summary>
    public MlflowRunView Get(string id)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(id, out var live))
                return MlflowRunView.Of(live);
            var summary = Summary(id);
            return MlflowRunView.Of(summary, _store.ReadHistory(id));
        }
    }

    private RunSummary Summary(string id)
    {
        if (!RunId.IsValid(id))
            throw MlflowError.NotFound($"Run '{id}' not found");
        try
        {
            var record = _store.Get(id);
            return RunSummary.Of(record, _store.RemovedAt(id));
        }
        catch (NotFoundException)
        {
            throw MlflowError.NotFound($"Run '{id}' not found");
        }
    }

    /// <summary>Every run, live ones as they are now, for runs/search.</summary>
    public List<MlflowRunView> All()
    {
        lock (_lock)
        {
            var views = _live.Values.Select(MlflowRunView.Of).ToList();
            foreach (var run in _store.List(includeRemoved: true))
                if (!_live.ContainsKey(run.Id))
                    views.Add(MlflowRunView.Of(run));
            return views;
        }
    }

    public IReadOnlyList<MlflowMetric> History(string id, string key)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(id, out var live))
                return live.History.TryGetValue(key, out var points) ? [.. points.Select(MlflowMetric.Of)] : [];
            Summary(id);
            return [.. _store.ReadHistory(id).Where(p => p.Name == key).Select(MlflowMetric.Of)];
        }
    }

    /// <summary>The artifacts of a run: uploaded so far (live), or recorded (branch).</summary>
    public IReadOnlyList<ArtifactEntry> Artifacts(string id)
    {
        lock (_lock)
        {
            if (_live.TryGetValue(id, out var live))
                return [.. live.Artifacts.Values];
            Summary(id);
            return _store.Get(id).Artifacts;
        }
    }

    private LiveRun Live(string id)
    {
        if (_live.TryGetValue(id, out var run))
            return run;
        if (RunId.IsValid(id) && Exists(id))
            throw new MlflowError("INVALID_STATE_TRANSITION", $"run {id} is not live: gittrack's MLflow server records only the runs of this gittrack run");
        throw MlflowError.NotFound($"Run '{id}' not found");
    }

    private void CheckOpen()
    {
        if (_closed)
            throw new MlflowError("INVALID_STATE_TRANSITION", "the command has exited: gittrack records nothing more for it");
    }

    private static string CheckKey(string key, string what) =>
        key.Length is > 0 and <= 250 && !key.Any(char.IsControl) && !key.Split('/').Any(s => s is "." or "..")
            ? key : throw MlflowError.Invalid($"Invalid {what} name: '{key}'. Names may be up to 250 characters, without control characters.");

    private static string CheckValue(string value, string what, string key) =>
        value.Length <= (1 << 20) ? value : throw MlflowError.Invalid($"{what} '{key}' has a value longer than {1 << 20} characters");

    private void PollChildren()
    {
        List<LiveRun> children;
        lock (_lock)
            children = [.. _live.Values.Where(r => !r.IsRoot && !r.Ended)];
        foreach (var child in children)
        {
            try
            {
                child.Session.Poll(final: false);
            }
            catch (Exception e) when (e is GitTrackException or IOException or InvalidOperationException)
            {
                if (Interlocked.Exchange(ref _pollFailed, 1) == 0)
                    _warn?.Invoke($"checkpoint of run {child.Id} failed; it is still recorded when it ends ({e.Message})");
            }
        }
    }

    /// <summary>
    /// The command exited: children the script never ended are ended with the command's status, and the server
    /// refuses further writes.
    /// </summary>
    public async Task EndAllAsync(RunStatus status)
    {
        List<LiveRun> open;
        lock (_lock)
        {
            _closed = true;
            open = [.. _live.Values.Where(r => !r.IsRoot && !r.Ended)];
            foreach (var run in open)
                run.Ended = true;
        }
        await _poll.DisposeAsync().ConfigureAwait(false);
        foreach (var run in open.OrderByDescending(r => r.StartedAt))
        {
            await run.Session.EndAsync(status == RunStatus.Crashed ? RunStatus.Failed : status, exitCode: null,
                status == RunStatus.Completed ? null : "the MLflow run was not ended before the command exited", DateTimeOffset.UtcNow).ConfigureAwait(false);
            run.Session.Dispose();
        }
    }

    public void Dispose()
    {
        _poll.Dispose();
        lock (_lock)
            foreach (var run in _live.Values.Where(r => !r.IsRoot && !r.Ended))
                run.Session.Dispose();
        _store.Dispose();
    }

    internal static void WriteExperiment(Utf8JsonWriter json, string id, string name)
    {
        json.WriteStartObject();
        json.WriteString("experiment_id", id);
        json.WriteString("name", name);
        json.WriteString("artifact_location", $"mlflow-artifacts:/{id}");
        json.WriteString("lifecycle_stage", "active");
        json.WriteStartArray("tags");
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
