using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Runs;

/// <summary>
/// One run being recorded, whoever produces its events: the child of <c>gittrack run</c> (through
/// <see cref="RunRecorder"/>) or the .NET client's in-process <c>Run.Start</c>. Owns the run's scratch folder
/// (<c>&lt;common dir&gt;/gittrack/active/&lt;id&gt;/</c>: events file, params file, log), turns events into
/// checkpoint commits, and at <see cref="EndAsync"/> stores the log and artifacts and commits the final manifest.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly RunOptions _options;
    private readonly GitDirectories _directories;
    private readonly RunStore _store;
    private readonly EventsFileReader _events;
    private readonly EventAccumulator _accumulator = new();
    private readonly List<MetricPoint> _unsaved = [];
    private readonly Task<HostInfo> _host;
    private readonly Task<SortedDictionary<string, string>> _runtimes;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, ArtifactEntry> _stored = new(StringComparer.Ordinal);
    private readonly SecretMasking _masking;
    private RunRecord _run;
    private DateTimeOffset _lastCheckpoint;
    private int _problemsShown;
    private bool _ended;

    private RunSession(RunOptions options, GitDirectories directories, RunStore store, RunRecord run, string scratch,
        Task<HostInfo> host, Task<SortedDictionary<string, string>> runtimes, SecretMasking masking)
    {
        _masking = masking;
        _options = options;
        _directories = directories;
        _store = store;
        _run = run;
        ScratchFolder = scratch;
        _host = host;
        _runtimes = runtimes;
        _events = new EventsFileReader(EventsPath);
        _events.Open(); // the file just created is the one read, whatever the command later puts at its path
        _lastCheckpoint = DateTimeOffset.UtcNow;
    }

    public RunRecord Run => _run;
    public string ScratchFolder { get; }
    public string EventsPath => Path.Combine(ScratchFolder, "events.jsonl");
    public string ParamsPath => Path.Combine(ScratchFolder, "params.json");
    public string LogPath => Path.Combine(ScratchFolder, "output.log");

    /// <summary>Snapshots the code and commits the run as running. Throws when not in a repository with a commit.</summary>
    public static RunSession Begin(RunOptions options, string? gittrackVersion)
    {
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory);
        if (!Directory.Exists(workingDirectory))
            throw new InvalidInputException($"no such folder: {workingDirectory}");
        var directories = GitDirectories.Discover(workingDirectory);
        // The probes run while the code is snapshotted and the command runs; they never fail the run. Started on
        // the thread pool: starting a process costs milliseconds this thread need not wait for.
        var host = Task.Run(() => HostProbe.CaptureAsync());
        var runtimes = Task.Run(() => RuntimeProbe.CaptureAsync(gittrackVersion, workingDirectory: workingDirectory));
        // The snapshot is mostly waiting on git processes: open the store and gather the record meanwhile.
        var snapshot = Task.Run(() => WorkTreeSnapshot.Capture(directories));
        RunStore? store = null;
        string? scratch = null;
        try
        {
            store = RunStore.Open(directories);
            store.PrepareToCommit();
            var startedAt = DateTimeOffset.UtcNow;
            var id = RunId.New(startedAt).Value;
            var process = RecorderProcess.Current();
            // What is recorded is masked; the command still gets the real values (GITTRACK_PARAMS, argv, env).
            var masking = new SecretMasking();
            var environment = EnvironmentCapture.Capture(EnvironmentOfChild(options.ExtraEnvironment), masking);
            var source = snapshot.GetAwaiter().GetResult();
            foreach (var skipped in source.SkippedFiles)
                options.Warn?.Invoke(source.SecretFiles.Contains(skipped)
                    ? $"left out of the code snapshot (untracked, and named like a file of secrets; git config gittrack.secretFiles changes the list): {skipped}"
                    : $"left out of the code snapshot (untracked and over {WorkTreeSnapshot.DefaultMaxUntrackedBytes >> 20} MB; store it with --artifact): {skipped}");

            scratch = Path.Combine(directories.GitTrackDir, "active", id);
            Directory.CreateDirectory(scratch);
            File.WriteAllBytes(Path.Combine(scratch, "events.jsonl"), []);
            ParamsFileWriter.Write(Path.Combine(scratch, "params.json"), options.Params);

            var record = new RunRecord
            {
                Id = id,
                Name = options.Name ?? "",
                Status = RunStatus.Running,
                StartedAt = startedAt,
                Command = options.Command,
                WorkingDirectory = RelativeToWorkTree(directories.WorkTree, workingDirectory),
                Note = options.Note,
                Parent = options.Parent,
                Reproduces = options.Reproduces,
                Source = source,
                Process = process,
                Environment = environment,
                Params = new SortedDictionary<string, object>(options.Params.ToDictionary(), StringComparer.Ordinal),
                Tags = new SortedDictionary<string, string>(options.Tags.ToDictionary(), StringComparer.Ordinal),
            };
            record = store.Create(masking.Record(record));
            return new RunSession(options, directories, store, record, scratch, host, runtimes, masking);
        }
        catch
        {
            // Never leave the snapshot's git processes running behind an error, nor an empty scratch folder.
            try { snapshot.Wait(); } catch (AggregateException) { }
            store?.Dispose();
            if (scratch is not null)
                try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// The environment as the command will see it (this process's, with <paramref name="extra"/> laid over it), so a
    /// rerun records what its command really got; GitTrack's own variables are added later and never recorded.
    /// </summary>
    private static System.Collections.Hashtable EnvironmentOfChild(IReadOnlyDictionary<string, string?> extra)
    {
        var variables = new System.Collections.Hashtable(System.Environment.GetEnvironmentVariables());
        foreach (var (key, value) in extra)
        {
            if (value is null)
                variables.Remove(key);
            else
                variables[key] = value;
        }
        return variables;
    }

    /// <summary>The environment the child gets: the run's ids and files, and unbuffered Python output.</summary>
    public IReadOnlyDictionary<string, string?> ChildEnvironment(IReadOnlyDictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GITTRACK_RUN_ID"] = _run.Id,
            ["GITTRACK_RUN_NAME"] = _run.Name,
            ["GITTRACK_EVENTS"] = EventsPath,
            ["GITTRACK_PARAMS"] = ParamsPath,
            // A pipe makes Python buffer its output; the user expects to watch training progress live.
            ["PYTHONUNBUFFERED"] = System.Environment.GetEnvironmentVariable("PYTHONUNBUFFERED") ?? "1",
        };
        foreach (var (key, value) in extra)
            environment[key] = value;
        return environment;
    }

    /// <summary>Reads new events; commits a checkpoint when something new arrived and the interval has passed.</summary>
    public void Poll(bool final)
    {
        lock (_lock)
        {
            if (_ended)
                return;
            Ingest(final);
            // The change flag is taken only once a checkpoint is due: events that arrive early and are followed by
            // silence still get their checkpoint when the interval is up. A full history segment of unsaved points
            // is due at once, so a run logging millions of points commits them as it goes and its end stays quick.
            bool due = DateTimeOffset.UtcNow - _lastCheckpoint >= _options.CheckpointInterval
                || _unsaved.Count >= MetricHistoryCodec.DefaultMaxPointsPerSegment;
            if (!final && due && _accumulator.TakeChanged())
            {
                _store.Save(Current(), _unsaved);
                _unsaved.Clear();
                _lastCheckpoint = DateTimeOffset.UtcNow;
            }
        }
    }

    /// <summary>
    /// Adds metric points measured outside the events file (the system sampler's, <c>system/...</c>) to the run as if
    /// logged: into its history, last values and the next checkpoint. Thread-safe; ignored once the run has ended.
    /// </summary>
    public void AddMetricPoints(IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0)
            return;
        var batch = new EventBatch();
        batch.Metrics.AddRange(points);
        lock (_lock)
        {
            if (_ended)
                return;
            var now = DateTimeOffset.UtcNow;
            _accumulator.Apply(batch, now);
            _unsaved.AddRange(points.Select(p => p.Timestamp is null ? p with { Timestamp = now } : p));
        }
    }

    private void Ingest(bool final)
    {
        var batch = _events.ReadNew(final);
        if (batch.IsEmpty)
            return;
        foreach (var notice in batch.Notices)
            _options.Warn?.Invoke(notice);
        _accumulator.Apply(batch, DateTimeOffset.UtcNow);
        _unsaved.AddRange(batch.Metrics.Select(p => p.Timestamp is null ? p with { Timestamp = DateTimeOffset.UtcNow } : p));
        const int maxShown = 20;
        foreach (var problem in batch.Problems)
        {
            if (_problemsShown++ < maxShown)
                _options.Warn?.Invoke($"{problem} (line skipped)");
            else if (_problemsShown == maxShown + 1)
                _options.Warn?.Invoke("more malformed events lines skipped; they are counted in the run's tags");
        }
    }

    private RunRecord Current()
    {
        var parameters = new SortedDictionary<string, object>(_options.Params.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in _accumulator.Params)
            parameters[name] = value;
        foreach (var (name, value) in _accumulator.DefaultParams)
            parameters.TryAdd(name, value); // a default read in code never overrides a value the run was given
        var tags = new SortedDictionary<string, string>(_options.Tags.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in _accumulator.Tags)
            tags[name] = value;
        long problems = _accumulator.Problems.Count + _accumulator.UnlistedProblems;
        if (problems > 0)
            tags["gittrack.skipped_events"] = problems.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _masking.Record(_run with
        {
            Params = parameters,
            Tags = tags,
            Metrics = new SortedDictionary<string, double>(_accumulator.LastValues.ToDictionary(), StringComparer.Ordinal),
        });
    }

    /// <summary>
    /// Adds metrics, params and tags that arrive in-process (the MLflow server of <c>gittrack run --mlflow</c>) as if
    /// they had been read from the events file; the next <see cref="Poll"/> checkpoints them as usual.
    /// </summary>
    public void Record(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            if (_ended)
                throw new InvalidOperationException($"run {_run.Id} has ended");
            var now = DateTimeOffset.UtcNow;
            _accumulator.Apply(batch, now);
            _unsaved.AddRange(batch.Metrics.Select(p => p.Timestamp is null ? p with { Timestamp = now } : p));
        }
    }

    /// <summary>
    /// Adds an artifact whose content is already in the cache (an upload to the MLflow server), kept with the run when
    /// it ends; a later one at the same path replaces it. Its path is checked as the manifest's paths are.
    /// </summary>
    public void AddStoredArtifact(ArtifactEntry artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ManifestToml.RelativePath(artifact.Path, "artifact", _run.Id);
        lock (_lock)
            _stored[artifact.Path] = artifact;
    }

    /// <summary>Reads the last events, stores the log and artifacts in the cache and commits the run as ended.</summary>
    public async Task<RunRecord> EndAsync(RunStatus status, int? exitCode, string? error, DateTimeOffset endedAt)
    {
        var host = await SafeAsync(_host).ConfigureAwait(false);
        var runtimes = await SafeAsync(_runtimes).ConfigureAwait(false);
        lock (_lock)
        {
            if (_ended)
                return _run;
            Ingest(final: true);
            var cache = ArtifactCache.Open(_directories);
            var artifacts = StoreArtifacts(cache);
            var ended = Current() with
            {
                Status = status,
                ExitCode = exitCode,
                // A failing command's own error event says more than its exit code.
                Error = status == RunStatus.Completed ? error : error ?? _accumulator.Error,
                EndedAt = endedAt,
                Host = host,
                Runtimes = runtimes ?? _run.Runtimes,
                Artifacts = artifacts,
            };
            ended = _masking.Record(ended); // the error, set above
            // Masked last: the record's masking found every secret value the log should lose too.
            LogMasking.Apply(LogPath, _masking.Found);
            var log = StoreLog(cache);
            _run = ended with { Log = log };
            _store.Save(_run, _unsaved);
            _unsaved.Clear();
            _ended = true;
        }
        Cleanup();
        return _run;
    }

    /// <summary>
    /// The log gittrack wrote, stored in the cache. Read only as a regular file: the command may have put a named pipe
    /// or a link to a device at its path, which would block or never end.
    /// </summary>
    private ArtifactEntry? StoreLog(ArtifactCache cache)
    {
        using var stream = RegularFile.OpenForReading(LogPath, out var kind, out _);
        if (stream is null)
        {
            if (kind != FileKind.Missing)
                _options.Warn?.Invoke($"the run's log file was replaced by {RegularFile.Describe(kind)}; the log is not stored");
            return null;
        }
        var key = cache.AddStream(stream);
        return new ArtifactEntry("output.log", key, stream.Position);
    }

    private List<ArtifactEntry> StoreArtifacts(ArtifactCache cache)
    {
        var childFolder = Path.GetFullPath(_options.WorkingDirectory);
        var requested = _options.Artifacts.Select(p => Path.GetFullPath(p, childFolder))
            .Concat(_accumulator.Artifacts.Select(p => Path.GetFullPath(p, childFolder)))
            .Distinct(StringComparer.Ordinal);
        var entries = new SortedDictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        foreach (var path in requested)
        {
            var relative = RelativeToWorkTree(_directories.WorkTree, path);
            if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                _options.Warn?.Invoke($"artifact outside the repository not stored: {path} (save artifacts inside the work tree)");
                continue;
            }
            if (WorkTreePath.Problem(relative) is { } problem && relative.Length > 0)
            {
                // Never recorded: a reader refuses it (docs/format.md), so it would cost the whole run.
                _options.Warn?.Invoke($"artifact not stored: {relative} ({problem})");
                continue;
            }
            var kind = RegularFile.KindOf(path, followLinks: true);
            if (kind is not (FileKind.Regular or FileKind.Directory or FileKind.Missing))
                _options.Warn?.Invoke($"artifact not stored: {relative} is {RegularFile.Describe(kind)}, not a file (reading it might never end)");
            else if (File.Exists(path))
                entries[relative] = new ArtifactEntry(relative, cache.AddFile(path), new FileInfo(path).Length);
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (new FileInfo(file).LinkTarget is not null)
                        continue; // a link inside an artifact folder could point anywhere; only real files are stored
                    if (RegularFile.KindOf(file) != FileKind.Regular)
                    {
                        _options.Warn?.Invoke($"artifact not stored: {RelativeToWorkTree(_directories.WorkTree, file)} is {RegularFile.Describe(RegularFile.KindOf(file))}, not a file");
                        continue;
                    }
                    var fileRelative = RelativeToWorkTree(_directories.WorkTree, file);
                    if (WorkTreePath.Problem(fileRelative) is { } fileProblem)
                    {
                        _options.Warn?.Invoke($"artifact not stored: {fileRelative} ({fileProblem})");
                        continue;
                    }
                    entries[fileRelative] = new ArtifactEntry(fileRelative, cache.AddFile(file), new FileInfo(file).Length);
                }
            }
            else
                _options.Warn?.Invoke($"artifact not found, not stored: {relative}");
        }
        foreach (var (path, stored) in _stored)
            entries[path] = stored;
        return [.. entries.Values];
    }

    private static string RelativeToWorkTree(string workTree, string path)
    {
        var relative = Path.GetRelativePath(workTree, path);
        return relative == "." ? "" : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static async Task<T?> SafeAsync<T>(Task<T> probe) where T : class
    {
        try
        {
            return await probe.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return null; // a probe that fails or hangs never costs the run
        }
    }

    private void Cleanup()
    {
        _events.Dispose();
        try
        {
            Directory.Delete(ScratchFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left for a later gc; the run is already committed.
        }
    }

    public void Dispose()
    {
        _events.Dispose();
        _store.Dispose();
    }
}
