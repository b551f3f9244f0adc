using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;
using GitTrack.Core.Sweeps.Internal;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// Runs a sweep (docs/sweeps.md). The sweep is a parent run recorded in this process through <see cref="RunSession"/>,
/// as the .NET client's <c>Run.Start</c> records one: its params are the spaces, its tags say how the trials are made.
/// Each trial is a <c>gittrack run</c> child process of the same executable (params as <c>-p</c>, tags <c>sweep</c>
/// and <c>trial</c>, GITTRACK_RUN_ID set to the parent so it records it as its parent), so every trial is recorded
/// exactly as a plain run, isolated from the others, and signals reach it as they reach any <c>gittrack run</c>. At
/// most <see cref="SweepOptions.Jobs"/> run at once. SIGINT, SIGTERM and SIGHUP stop the sweep: no new trial starts,
/// running ones are passed the signal (a Ctrl-C at a terminal reaches them by itself) and end <c>killed</c>, and the
/// parent ends <c>killed</c> saying how many trials ran. When the sweep ends the parent records the counts and the
/// best trial as <c>sweep.*</c> tags, written to its events file as any tracked command would.
/// </summary>
public sealed class SweepRunner
{
    private readonly SweepOptions _options;
    private readonly Lock _lock = new();
    private readonly List<TrialProcess> _running = [];
    private readonly int[] _gpuLoad;
    private readonly Dictionary<TrialProcess, int> _gpuOf = [];
    private int _nextGpu;
    private int _interruption; // 0, or the PosixSignal value of the first signal

    private SweepRunner(SweepOptions options)
    {
        _options = options;
        if (options.Jobs < 1)
            throw new InvalidInputException($"-j {options.Jobs} is less than 1", "run at least one trial at a time");
        if (options.MaxFailures is < 1)
            throw new InvalidInputException($"--max-failures {options.MaxFailures} is less than 1", "give a count of 1 or more");
        _gpuLoad = new int[options.Gpus.Count];
    }

    private PosixSignal? Interruption => Volatile.Read(ref _interruption) is var s and not 0 ? (PosixSignal)s : null;

    /// <summary>The next free default sweep name, <c>sweep_NNN</c> (one above the highest such name among the runs).</summary>
    public static string NextName(string workingDirectory)
    {
        using var store = RunStore.Open(GitDirectories.Discover(workingDirectory));
        long max = 0;
        foreach (var run in store.List(includeRemoved: true))
            if (run.Name.StartsWith("sweep_", StringComparison.Ordinal)
                && long.TryParse(run.Name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > max)
                max = number;
        return $"sweep_{(max + 1).ToString("D3", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Records a new sweep: its parent run, then every trial; returns when all have ended or the sweep stopped.</summary>
    public static async Task<SweepOutcome> StartAsync(SweepDefinition definition, SweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        var runner = new SweepRunner(options);
        var trials = definition.Trials();
        using var signals = runner.CatchSignals();
        var session = RunSession.Begin(new RunOptions
        {
            Command = definition.ParentCommand(options.ExecutionOptions),
            WorkingDirectory = options.WorkingDirectory,
            Name = definition.Name,
            Params = definition.ParentParams(),
            Tags = definition.ParentTags(),
            Warn = options.Warn,
        }, options.GittrackVersion);
        try
        {
            var parent = session.Run;
            options.Report?.Invoke($"sweep {parent.Name} ({parent.Id[..RunId.ShortLength]}): {Describe(definition, trials.Count)}, " +
                $"{options.Jobs} at a time; Ctrl-C stops it");
            var (started, stoppedForFailures) = await runner.RunTrialsAsync(definition, parent.Id, trials.Select(t => (t, 1)).ToList()).ConfigureAwait(false);

            using var store = RunStore.Open(GitDirectories.Discover(options.WorkingDirectory));
            var summary = SweepSummary.Of(definition, parent.Id, store.List());
            var (status, exitCode, error) = runner.Ending(summary, trials.Count, stoppedForFailures);
            AppendTags(session.EventsPath, summary.Tags());
            var ended = await session.EndAsync(status, exitCode, error, DateTimeOffset.UtcNow).ConfigureAwait(false);
            return runner.Outcome(ended, summary, trials, started, exitCode, stoppedForFailures);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>
    /// Runs the trials of sweep <paramref name="reference"/> (its parent run's id, prefix or name) that have not
    /// completed, as children of the same parent, then records the new counts and best trial on the parent's tags
    /// (one commit, as <c>gittrack tag</c> makes). The parent keeps the status its first run ended with.
    /// </summary>
    public static async Task<SweepOutcome> ResumeAsync(string reference, SweepOptions options)
    {
        var runner = new SweepRunner(options);
        var directories = GitDirectories.Discover(options.WorkingDirectory);
        RunRecord parent;
        SweepDefinition definition;
        List<TrialPlan> trials;
        SweepSummary before;
        using (var store = RunStore.Open(directories))
        {
            parent = store.Resolve(reference);
            definition = SweepDefinition.FromParent(parent);
            if (parent.Status == RunStatus.Running)
                throw new ConflictException($"sweep {parent.Name} ({parent.Id[..RunId.ShortLength]}) is still running",
                    parent.Process is { } p ? $"wait for it to end, or stop it (process {p.Pid} on {p.Host})" : "wait for it to end");
            trials = definition.Trials();
            before = SweepSummary.Of(definition, parent.Id, store.List());
        }
        var pending = trials.Where(t => !before.HasCompleted(t.Number)).Select(t => (t, before.Attempts(t.Number) + 1)).ToList();
        if (pending.Count == 0)
        {
            options.Report?.Invoke($"sweep {parent.Name} ({parent.Id[..RunId.ShortLength]}): all {trials.Count} trials completed; nothing to resume");
            return new SweepOutcome { Parent = parent, Summary = before, ExitCode = 0 };
        }
        using var signals = runner.CatchSignals();
        options.Report?.Invoke($"sweep {parent.Name} ({parent.Id[..RunId.ShortLength]}): resuming {pending.Count} of {trials.Count} trials " +
            $"({before.Completed} completed before), {options.Jobs} at a time; Ctrl-C stops it");
        var (started, stoppedForFailures) = await runner.RunTrialsAsync(definition, parent.Id, pending).ConfigureAwait(false);

        using var after = RunStore.Open(directories);
        var summary = SweepSummary.Of(definition, parent.Id, after.List());
        var (_, exitCode, _) = runner.Ending(summary, trials.Count, stoppedForFailures);
        var tags = summary.Tags();
        var updated = after.Change(parent.Id, run =>
        {
            var merged = new SortedDictionary<string, string>(run.Tags.ToDictionary(), StringComparer.Ordinal);
            foreach (var (key, value) in tags)
                merged[key] = value;
            return run with { Tags = merged };
        }, "resumed");
        return runner.Outcome(updated, summary, trials, started, exitCode, stoppedForFailures);
    }

    private static string Describe(SweepDefinition definition, int count)
    {
        var varying = string.Join(", ", definition.Space.Varying.Select(p => p.Name));
        var over = varying.Length == 0 ? "" : $" over {varying}";
        return definition.Mode == SweepMode.Random
            ? $"{count} random trials{over} (seed {definition.Seed.ToString(CultureInfo.InvariantCulture)})"
            : $"{count} trials, a grid{over}";
    }

    /// <summary>The parent's status, the exit code and the error that says why, from how the trials ended.</summary>
    /// <summary>What a sweep (or a resume) ends with: the parent as recorded, and how many trials are left to run.</summary>
    private SweepOutcome Outcome(RunRecord parent, SweepSummary summary, List<TrialPlan> trials, int started, int exitCode, bool stoppedForFailures) => new()
    {
        Parent = parent,
        Summary = summary,
        Started = started,
        ExitCode = exitCode,
        Interruption = Interruption,
        StoppedForFailures = stoppedForFailures,
        Remaining = trials.Count(t => !summary.HasCompleted(t.Number)),
    };

    private (RunStatus Status, int ExitCode, string? Error) Ending(SweepSummary summary, int planned, bool stoppedForFailures)
    {
        var counts = $"{summary.Ran} of {planned} trials ran ({summary.Completed} completed, {summary.Failed} failed, {summary.Killed} killed)";
        if (Interruption is { } signal)
            return (RunStatus.Killed, 128 + Native.Number(signal), $"interrupted by {signal}: {counts}");
        if (stoppedForFailures)
            return (RunStatus.Failed, 1, $"stopped after {summary.Failed} failed trials (--max-failures {_options.MaxFailures}): {counts}");
        if (summary.Failed + summary.Killed > 0 || summary.Completed < planned)
            return (RunStatus.Failed, 1, $"{summary.Failed + summary.Killed} trials did not complete: {counts}");
        return (RunStatus.Completed, 0, null);
    }

    /// <summary>Runs the trials, at most Jobs at a time; returns how many started and whether --max-failures stopped them.</summary>
    private async Task<(int Started, bool StoppedForFailures)> RunTrialsAsync(SweepDefinition definition, string parentId, List<(TrialPlan Trial, int Attempt)> trials)
    {
        var queue = new Queue<(TrialPlan Trial, int Attempt)>(trials);
        int started = 0, failures = 0;
        bool stoppedForFailures = false;
        var total = definition.TrialCount;
        while (true)
        {
            lock (_lock)
            {
                while (queue.Count > 0 && _running.Count < _options.Jobs && Interruption is null && !stoppedForFailures)
                {
                    var (trial, attempt) = queue.Dequeue();
                    var gpuIndex = TakeGpu();
                    var gpu = gpuIndex < 0 ? null : _options.Gpus[gpuIndex];
                    var name = definition.TrialName(trial.Number, attempt);
                    _options.Report?.Invoke($"trial {trial.Number}/{total} {name}: " +
                        string.Join(" ", trial.Params.Select(p => $"{p.Key}={SpaceText.FormatValue(p.Value)}")) + (gpu is null ? "" : $" (GPU {gpu})"));
                    var process = TrialProcess.Start(trial, name, gpu, TrialCommand(definition, trial, name), _options.WorkingDirectory,
                        TrialEnvironment(parentId, gpu), _options.Warn);
                    _running.Add(process);
                    if (gpuIndex >= 0)
                        _gpuOf[process] = gpuIndex;
                    started++;
                }
                if (_running.Count == 0)
                    return (started, stoppedForFailures);
            }
            Task[] waiting;
            lock (_lock)
                waiting = [.. _running.Select(t => t.Exited)];
            await Task.WhenAny(waiting).ConfigureAwait(false);
            lock (_lock)
            {
                foreach (var done in _running.Where(t => t.Exited.IsCompleted).ToList())
                {
                    _running.Remove(done);
                    if (_gpuOf.Remove(done, out var gpuIndex))
                        _gpuLoad[gpuIndex]--;
                    var code = done.Exited.Result;
                    done.Dispose();
                    // A trial ended by the sweep's own stop is no failure of the trial.
                    if (code != 0 && Interruption is null)
                    {
                        failures++;
                        if (_options.MaxFailures is { } max && failures >= max && queue.Count > 0)
                        {
                            stoppedForFailures = true;
                            _options.Warn?.Invoke($"{failures} trials failed (--max-failures {max}): starting no more trials");
                        }
                    }
                }
            }
        }
    }

    // The GPU with the fewest trials on it, ties going round the list from after the last one handed out.
    private int TakeGpu()
    {
        if (_gpuLoad.Length == 0)
            return -1;
        int best = -1;
        for (int k = 0; k < _gpuLoad.Length; k++)
        {
            int i = (_nextGpu + k) % _gpuLoad.Length;
            if (best < 0 || _gpuLoad[i] < _gpuLoad[best])
                best = i;
        }
        _gpuLoad[best]++;
        _nextGpu = (best + 1) % _gpuLoad.Length;
        return best;
    }

    private List<string> TrialCommand(SweepDefinition definition, TrialPlan trial, string name)
    {
        var argv = new List<string>(_options.Gittrack) { "run", "--name", name };
        foreach (var (key, value) in definition.TrialTags(trial.Number))
            argv.AddRange(["--tag", $"{key}={value}"]);
        // Each value written so that gittrack run -p types it back to exactly the value planned (1.0 stays a float).
        foreach (var (key, value) in trial.Params)
            argv.AddRange(["--param", $"{key}={SpaceText.FormatValue(value)}"]);
        argv.Add("--");
        argv.AddRange(definition.Command);
        return argv;
    }

    private static Dictionary<string, string?> TrialEnvironment(string parentId, string? gpu)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["GITTRACK_RUN_ID"] = parentId };
        if (gpu is not null)
            environment["CUDA_VISIBLE_DEVICES"] = gpu;
        return environment;
    }

    private Registrations CatchSignals()
    {
        var registrations = new Registrations();
        if (!OperatingSystem.IsWindows())
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
                registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        return registrations;
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The sweep outlives its trials to record how they ended.
        context.Cancel = true;
        lock (_lock)
        {
            if (Interlocked.CompareExchange(ref _interruption, (int)context.Signal, 0) != 0)
                return;
            // A Ctrl-C typed at the terminal already reached every trial (same foreground process group); a signal
            // sent to the sweep alone (kill, a scheduler) is passed on to each.
            if (!(context.Signal is PosixSignal.SIGINT or PosixSignal.SIGHUP && Native.IsInTerminalForeground()))
                foreach (var trial in _running)
                    trial.Signal(Native.Number(context.Signal));
        }
    }

    /// <summary>Appends tag events to the parent's events file, read into the run when it ends (docs/protocol.md).</summary>
    private static void AppendTags(string eventsPath, IReadOnlyDictionary<string, string> tags)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in tags)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "tag");
                writer.WriteString("name", key);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        using var file = new FileStream(eventsPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed class Registrations : IDisposable
    {
        private readonly List<PosixSignalRegistration> _list = [];
        public void Add(PosixSignalRegistration registration) => _list.Add(registration);
        public void Dispose()
        {
            foreach (var registration in _list)
                registration.Dispose();
        }
    }
}
