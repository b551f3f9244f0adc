using System.Globalization;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Runs;

/// <summary>
/// One run being recorded, whoever produces its events: the child of <c>gittrack run</c> (through
/// <see cref="RunRecorder"/>) or the .NET client's in-process <c>Run.Start</c>. Commits the run as started, keeps its
/// checkpoints in its local folder (<see cref="ActiveRun"/>: no commit per checkpoint on the shared branch), and at
/// <see cref="EndAsync"/> stores the log and artifacts and commits the final manifest with the whole history.
/// Saving never abandons the command: a checkpoint that cannot be written (a full disk) is said once and retried,
/// and the final save is retried before it gives up, leaving everything in the run's folder for the next gittrack.
/// </summary>
public sealed class RunSession : IDisposable
{
    private readonly RunOptions _options;
    private readonly GitDirectories _directories;
    private readonly RunStore _store;
    private readonly ActiveRun _active;
    private readonly EventsFileReader _events;
    private readonly EventAccumulator _accumulator = new();
    // Points not yet appended to the local checkpoint file, and points not yet in a sealed segment blob.
    private readonly List<MetricPoint> _unsaved = [];
    private readonly List<MetricPoint> _tail = [];
    private readonly List<string> _sealed = [];
    private readonly Task<HostInfo> _host;
    private readonly Task<SortedDictionary<string, string>> _runtimes;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _warned = [];
    private readonly SortedDictionary<string, ArtifactEntry> _stored = new(StringComparer.Ordinal);
    private readonly SecretMasking _masking;
    private RunRecord _run;
    private DateTimeOffset _lastCheckpoint;
    private DateTimeOffset _lastPush;
    private Task? _push;
    private int _problemsShown;
    private bool _ended;

    private RunSession(RunOptions options, GitDirectories directories, RunStore store, ActiveRun active, RunRecord run,
        Task<HostInfo> host, Task<SortedDictionary<string, string>> runtimes, SecretMasking masking)
    {
        _masking = masking;
        _options = options;
        _directories = directories;
        _store = store;
        _active = active;
        _run = run;
        _host = host;
        _runtimes = runtimes;
        _events = new EventsFileReader(active.EventsPath);
        _events.Open(); // the file just created is the one read, whatever the command later puts at its path
        _lastCheckpoint = _lastPush = DateTimeOffset.UtcNow;
    }

    public RunRecord Run => _run;
    public string ScratchFolder => _active.Folder;
    public string EventsPath => _active.EventsPath;
    public string ParamsPath => _active.ParamsPath;
    public string LogPath => _active.LogPath;

    /// <summary>The git settings read as the run began (one git process for all of them; <c>gittrack.mlflow</c> among them).</summary>
    public RecorderSettings Settings { get; private init; } = null!;

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
        // Every setting read before the command in one git process, HEAD through libgit2 once the store is open
        // (docs/benchmarks.md, "Runs": each process costs start-up time). The snapshot is mostly waiting on git
        // processes: open the store and gather the record meanwhile.
        var settings = Task.Run(() => RecorderSettings.Read(directories));
        var head = new TaskCompletionSource<(string Commit, string Tree)?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var snapshot = Task.Run(() => WorkTreeSnapshot.Capture(directories, settings.ContinueWith(t => t.GetAwaiter().GetResult().Values.ToList(), TaskScheduler.Default), head.Task));
        // Reading package metadata is file reads only (docs/benchmarks.md): done beside the snapshot, never fatal.
        var packages = options.CapturePackages
            ? Task.Run(() => Packages.PackageCapture.Capture(options.Command, workingDirectory, directories.WorkTree, EnvironmentOfChild(options.ExtraEnvironment)))
            : null;
        RunStore? store = null;
        ActiveRun? active = null;
        try
        {
            store = RunStore.Open(directories, settings.ContinueWith(t => t.GetAwaiter().GetResult().Last(RunsBranch.ConfigKey), TaskScheduler.Default));
            head.TrySetResult(store.Git.HeadCommitAndTree());
            foreach (var notice in store.TakeNotices())
                options.Warn?.Invoke(notice);
            store.PrepareToCommit(settings.GetAwaiter().GetResult().Identity);
            var startedAt = DateTimeOffset.UtcNow;
            var id = RunId.New(startedAt).Value;
            var process = RecorderProcess.Current();
            // What is recorded is masked; the command still gets the real values (GITTRACK_PARAMS, argv, env).
            var masking = new SecretMasking();
            var environment = EnvironmentCapture.Capture(EnvironmentOfChild(options.ExtraEnvironment), masking);
            var inputs = HashInputs(options.Inputs.Select(p => Path.GetFullPath(p, workingDirectory)), options.StoreInputs, directories);
            var source = snapshot.GetAwaiter().GetResult();
            (Packages.PackageSet Set, Packages.PackagesInfo Info)? captured = null;
            try
            {
                captured = packages?.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                options.Warn?.Invoke($"could not read the environment's packages: {e.Message}");
            }
            foreach (var skipped in source.SkippedFiles)
                options.Warn?.Invoke(source.SecretFiles.Contains(skipped)
                    ? $"left out of the code snapshot (untracked, and named like a file of secrets; git config gittrack.secretFiles changes the list): {skipped}"
                    : $"left out of the code snapshot (untracked and over {WorkTreeSnapshot.DefaultMaxUntrackedBytes >> 20} MB; store it with --artifact): {skipped}");

            active = ActiveRun.Create(directories.GitTrackDir, id);
            ParamsFileWriter.Write(active.ParamsPath, options.Params);

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
                Packages = captured?.Info,
                Inputs = inputs,
            };
            record = store.Create(masking.Record(record), environment: captured is { Set.Count: > 0 } c ? c.Set : null);
            var session = new RunSession(options, directories, store, active, record, host, runtimes, masking) { Settings = settings.Result };
            // The first checkpoint is the run as started: recovery always finds a manifest here.
            session.TryWriteCheckpoint(record);
            return session;
        }
        catch
        {
            // Never leave the snapshot's git processes running behind an error, nor an empty run folder.
            head.TrySetResult(null);
            try { snapshot.Wait(); } catch (AggregateException) { }
            try { packages?.Wait(); } catch (AggregateException) { }
            store?.Dispose();
            if (active is not null)
                try { active.Delete(); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The inputs at <paramref name="paths"/>, each once (the last record of a path wins), by path.</summary>
    private static List<InputEntry> HashInputs(IEnumerable<string> paths, bool store, GitDirectories directories)
    {
        var entries = new SortedDictionary<string, InputEntry>(StringComparer.Ordinal);
        ArtifactCache? cache = null;
        foreach (var path in paths)
        {
            cache ??= ArtifactCache.Open(directories);
            var entry = InputHasher.Hash(cache, directories.WorkTree, path, store);
            entries[entry.Path] = entry;
        }
        return [.. entries.Values];
    }

    /// <summary>
    /// Records inputs the command named in <c>input</c> events (relative to its working directory), hashed now, as
    /// they are when it says it reads them; one that cannot be read is said and skipped. The caller holds the lock.
    /// </summary>
    private void AddInputs(IReadOnlyList<(string Path, bool Store)> named)
    {
        if (named.Count == 0)
            return;
        var childFolder = Path.GetFullPath(_options.WorkingDirectory);
        var entries = new SortedDictionary<string, InputEntry>(StringComparer.Ordinal);
        foreach (var input in _run.Inputs)
            entries[input.Path] = input;
        var cache = ArtifactCache.Open(_directories);
        foreach (var (path, store) in named)
        {
            try
            {
                var entry = InputHasher.Hash(cache, _directories.WorkTree, Path.GetFullPath(path, childFolder), store);
                entries[entry.Path] = entry;
            }
            catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
            {
                _options.Warn?.Invoke($"input not recorded: {path}: {e.Message}");
            }
        }
        _run = _run with { Inputs = [.. entries.Values] };
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

    /// <summary>
    /// Reads new events; writes a local checkpoint when something new arrived and the interval has passed, and with
    /// <c>--push-every</c> commits and pushes the run's state when that interval has passed.
    /// </summary>
    public void Poll(bool final)
    {
        lock (_lock)
        {
            if (_ended)
                return;
            Ingest(final);
            // The change flag is taken only once a checkpoint is due: events that arrive early and are followed by
            // silence still get their checkpoint when the interval is up. A full segment of unsaved points is due at
            // once, so a run logging millions of points saves them as it goes and its end stays quick.
            var now = DateTimeOffset.UtcNow;
            bool due = now - _lastCheckpoint >= _options.CheckpointInterval || _unsaved.Count >= MetricHistoryCodec.DefaultMaxPointsPerSegment;
            if (!final && due && _accumulator.TakeChanged())
            {
                if (TryWriteCheckpoint(Current()))
                    _lastCheckpoint = now;
                else
                    _accumulator.MarkChanged(); // try again at the next poll
            }
            if (!final && _options.PushEvery is { } every && now - _lastPush >= every && _push is not { IsCompleted: false })
            {
                _lastPush = now;
                PushProgress();
            }
        }
    }

    /// <summary>Saves the points and state gathered so far in the run's local folder; false (said once) when it cannot.</summary>
    private bool TryWriteCheckpoint(RunRecord run)
    {
        try
        {
            _active.AppendHistory(_unsaved);
            _unsaved.Clear();
            _active.WriteCheckpoint(run);
            _warned.Remove("checkpoint");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WarnOnce("checkpoint", $"could not save a checkpoint of {_run.Name} in {_active.Folder}: {e.Message}; the command goes on, and saving is retried");
            return false;
        }
    }

    /// <summary>
    /// With <c>--push-every</c>: commits the run's state as it is now ("progress") and pushes the runs branch in the
    /// background, through a store of its own (libgit2 objects stay on one thread).
    /// </summary>
    private void PushProgress()
    {
        try
        {
            CommitProgress();
        }
        catch (GitTrackException e)
        {
            WarnOnce("push", $"could not commit the progress of {_run.Name} to push it: {e.Message}");
            return;
        }
        var remote = _options.PushRemote;
        _push = Task.Run(() => PushNow(remote));
    }

    /// <summary>Commits the run's state as it is now ("progress"); the caller holds the session's lock (or is a benchmark).</summary>
    internal void CommitProgress()
    {
        var (sealedSegments, tail) = HistoryForCommit();
        _run = _store.Save(Current(), tail, sealedSegments);
    }

    private void PushNow(string? remote)
    {
        try
        {
            using var store = RunStore.Open(_directories, recover: false);
            RunSync.Push(store, remote ?? RunSync.DefaultRemote(store));
        }
        catch (Exception e) when (e is GitTrackException or IOException)
        {
            WarnOnce("push", $"could not push {_run.Name}: {e.Message} (it goes on recording; pushing is tried again)");
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
        AddPoints(batch.Metrics);
        AddInputs(batch.Inputs);
        const int maxShown = 20;
        foreach (var problem in batch.Problems)
        {
            if (_problemsShown++ < maxShown)
                _options.Warn?.Invoke($"{problem} (line skipped)");
            else if (_problemsShown == maxShown + 1)
                _options.Warn?.Invoke("more malformed events lines skipped; they are counted in the run's tags");
        }
    }

    /// <summary>Adds points to the history (stamped now when they carry no time); the caller holds the lock.</summary>
    private void AddPoints(IEnumerable<MetricPoint> points)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var point in points)
        {
            var stamped = point.Timestamp is null ? point with { Timestamp = now } : point;
            _unsaved.Add(stamped);
            _tail.Add(stamped);
        }
        SealFullSegments();
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
            _accumulator.Apply(batch, DateTimeOffset.UtcNow);
            AddPoints(points);
        }
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
            _accumulator.Apply(batch, DateTimeOffset.UtcNow);
            AddPoints(batch.Metrics);
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

    /// <summary>
    /// Writes each full segment's worth of points as a blob as soon as it is complete, so the final commit has only
    /// the last partial segment to write. The blobs are unreferenced until then; the final save checks they are
    /// still there (a <c>git gc --prune=now</c> meanwhile) and writes them again from the local checkpoints if not.
    /// </summary>
    private void SealFullSegments()
    {
        const int size = MetricHistoryCodec.DefaultMaxPointsPerSegment;
        while (_tail.Count >= size)
        {
            try
            {
                _sealed.Add(_store.WriteSegment(_tail.GetRange(0, size)));
            }
            catch (GitTrackException)
            {
                return; // kept in the tail: the final save writes it
            }
            _tail.RemoveRange(0, size);
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
            tags["gittrack.skipped_events"] = problems.ToString(CultureInfo.InvariantCulture);
        return _masking.Record(_run with
        {
            Params = parameters,
            Tags = tags,
            Metrics = new SortedDictionary<string, double>(_accumulator.LastValues.ToDictionary(), StringComparer.Ordinal),
        });
    }

    /// <summary>
    /// The history for a commit: the sealed segment blobs, if all are still in the repository, and the points after
    /// them; else everything again from the local checkpoints.
    /// </summary>
    private (IReadOnlyList<string> Sealed, IReadOnlyList<MetricPoint> Tail) HistoryForCommit()
    {
        if (_sealed.All(_store.HasObject))
            return ([.. _sealed], [.. _tail]);
        var all = _active.ReadHistory();
        all.AddRange(_unsaved);
        return ([], all);
    }

    /// <summary>Reads the last events, stores the log and artifacts in the cache and commits the run as ended.</summary>
    public async Task<RunRecord> EndAsync(RunStatus status, int? exitCode, string? error, DateTimeOffset endedAt)
    {
        var host = await SafeAsync(_host).ConfigureAwait(false);
        var runtimes = await SafeAsync(_runtimes).ConfigureAwait(false);
        if (_push is { } push)
            await push.ConfigureAwait(false);
        lock (_lock)
        {
            if (_ended)
                return _run;
            Ingest(final: true);
            var cache = ArtifactCache.Open(_directories);
            var notStored = new List<string>();
            var artifacts = StoreArtifacts(cache, notStored);
            var ended = Current();
            if (notStored.Count > 0)
                ended = ended with { Tags = new SortedDictionary<string, string>(ended.Tags.ToDictionary(), StringComparer.Ordinal) { ["gittrack.artifacts_not_stored"] = string.Join(", ", notStored) } };

            var final = ended with
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
            final = _masking.Record(final); // the error, set above
            // Masked last: the record's masking found every secret value the log should lose too.
            LogMasking.Apply(LogPath, _masking.Found);
            var log = Retry("the run's log", () => StoreLog(cache, LogPath, _options.Warn), () => null);
            final = final with { Log = log };
            _run = Retry("the run", () =>
            {
                var (sealedSegments, tail) = HistoryForCommit();
                return _store.Save(final, tail, sealedSegments);
            }, () =>
            {
                // Impossible for now: keep the run as it ended beside its events, for the next gittrack to commit.
                _active.ReleaseReserve();
                try { _active.AppendHistory(_unsaved); _unsaved.Clear(); _active.WriteFinal(final); } catch (IOException) { }
                _active.Dispose();
                throw new IOFaultException(IOFault.Other, $"could not save run {final.Name} ({final.Id[..RunId.ShortLength]}): {_lastFailure}",
                    $"its events, log and final state are kept in {_active.Folder}; free space, then run any gittrack command (such as 'gittrack ls') to save it");
            });
            _ended = true;
            _store.KeepPacked();
        }
        Cleanup();
        if (_options.PushEvery is not null)
            PushNow(_options.PushRemote);
        return _run;
    }

    private string _lastFailure = "";

    /// <summary>
    /// Runs <paramref name="save"/> until it succeeds or <see cref="RunOptions.SaveRetry"/> has passed (saying once
    /// that it failed and why); then <paramref name="giveUp"/>.
    /// </summary>
    private T Retry<T>(string what, Func<T> save, Func<T> giveUp)
    {
        var deadline = DateTimeOffset.UtcNow + _options.SaveRetry;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return save();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IOFaultException)
            {
                _lastFailure = e.Message;
                if (DateTimeOffset.UtcNow >= deadline)
                    return giveUp();
                WarnOnce("save " + what, $"could not save {what} of {_run.Name}: {e.Message}; retrying for up to {_options.SaveRetry.TotalSeconds:0} s");
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>
    /// The log gittrack wrote, stored in the cache. Read only as a regular file: the command may have put a named pipe
    /// or a link to a device at its path, which would block or never end.
    /// </summary>
    internal static ArtifactEntry? StoreLog(ArtifactCache cache, string logPath, Action<string>? warn)
    {
        using var stream = RegularFile.OpenForReading(logPath, out var kind, out _);
        if (stream is null)
        {
            if (kind != FileKind.Missing)
                warn?.Invoke($"the run's log file was replaced by {RegularFile.Describe(kind)}; the log is not stored");
            return null;
        }
        var key = cache.AddStream(stream);
        return new ArtifactEntry("output.log", key, stream.Position);
    }

    private List<ArtifactEntry> StoreArtifacts(ArtifactCache cache, List<string> notStored)
    {
        var childFolder = Path.GetFullPath(_options.WorkingDirectory);
        var requested = _options.Artifacts.Select(p => Path.GetFullPath(p, childFolder))
            .Concat(_accumulator.Artifacts.Select(p => Path.GetFullPath(p, childFolder)))
            .Distinct(StringComparer.Ordinal);
        var entries = new SortedDictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        void Store(string file, string relative)
        {
            var entry = Retry<ArtifactEntry?>($"artifact {relative}", () => new ArtifactEntry(relative, cache.AddFile(file), new FileInfo(file).Length), () => null);
            if (entry is null)
            {
                notStored.Add(relative);
                _options.Warn?.Invoke($"artifact not stored: {relative}: {_lastFailure} (the file is still in the work tree)");
            }
            else
                entries[relative] = entry;
        }
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
                Store(path, relative);
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
                    Store(file, fileRelative);
                }
            }
            else
                _options.Warn?.Invoke($"artifact not found, not stored: {relative}");
        }
        foreach (var (path, stored) in _stored)
            entries[path] = stored;
        return [.. entries.Values];
    }

    private void WarnOnce(string key, string message)
    {
        lock (_warned)
            if (!_warned.Add(key))
                return;
        _options.Warn?.Invoke(message);
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
            _active.Delete();
        }
        catch (IOException)
        {
            // The run is committed; a leftover folder is removed by the next gittrack (it finds the run ended).
            _active.Dispose();
        }
    }

    public void Dispose()
    {
        _events.Dispose();
        _active.Dispose();
        _store.Dispose();
    }
}
