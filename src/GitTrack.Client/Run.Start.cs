using System.Reflection;
using GitTrack.Core.Runs;

namespace GitTrack.Client;

// Runs started and recorded in-process, for programs that run on their own rather than under `gittrack run`.
public sealed partial class Run
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly Lock StartedLock = new();
    // Runs started here and not ended, innermost last: Current logs to the last, and the process's end ends them all.
    private static readonly List<Run> Started = [];
    private static int _handlersInstalled;

    private readonly RunSession? _session;
    private Timer? _poll;
    private int _ended;
    private int _pollFailed;

    /// <summary>
    /// Starts a run recorded from this process, in the git repository around the current directory: the code is
    /// snapshotted and the run committed as running to <c>gittrack/runs</c>, exactly as <c>gittrack run</c> does,
    /// with checkpoint commits while metrics arrive. <see cref="End"/> or <see cref="Dispose"/> ends it; an unhandled
    /// exception ends it as failed with the exception's message; a process that exits without ending it ends it as
    /// completed (failed for a non-zero exit code). Its parent is the innermost run started here, else the run this
    /// process is recorded as (GITTRACK_RUN_ID), else none.
    /// </summary>
    /// <param name="name">The run's name; null takes the next <c>run_NNN</c>.</param>
    /// <param name="parameters">Its params: a dictionary or an object's public properties (an anonymous object).</param>
    /// <param name="tags">Its tags.</param>
    /// <example><code>
    /// using var run = Run.Start("baseline", new { lr = 0.01, epochs = 10 });
    /// run.LogMetric("loss", loss, step: epoch);
    /// </code></example>
    public static Run Start(string? name = null, object? parameters = null, IReadOnlyDictionary<string, string>? tags = null) =>
        StartRun(Environment.CurrentDirectory, name, parameters, tags, Innermost()?.Id);

    /// <summary><see cref="Start"/> in another folder than the current one (tests start runs in temporary repositories).</summary>
    internal static Run StartIn(string workingDirectory, string? name = null, object? parameters = null, IReadOnlyDictionary<string, string>? tags = null) =>
        StartRun(workingDirectory, name, parameters, tags, Innermost()?.Id);

    /// <summary>Starts a run recorded from this process whose parent is this run (a step of a pipeline); see <see cref="Start"/>.</summary>
    public Run StartChild(string? name = null, object? parameters = null, IReadOnlyDictionary<string, string>? tags = null) =>
        StartRun(Environment.CurrentDirectory, name, parameters, tags, Id);

    /// <summary>
    /// Ends a run this process <see cref="Start"/>ed: writes what is buffered, reads it into the run, stores the
    /// artifacts and commits the run with <paramref name="status"/>. Ending twice does nothing. For a run started by
    /// <c>gittrack run</c> it only writes what is buffered: gittrack ends that run when the process exits.
    /// </summary>
    public void End(RunStatus status = RunStatus.Completed, string? error = null)
    {
        if (_session is null)
        {
            _events?.Flush();
            return;
        }
        if (Interlocked.Exchange(ref _ended, 1) != 0)
            return;
        try
        {
            _poll?.Dispose();
            _events!.Dispose();
            _session.EndAsync(status, exitCode: null, status == RunStatus.Completed ? null : error, DateTimeOffset.UtcNow)
                .GetAwaiter().GetResult();
        }
        finally
        {
            _session.Dispose();
            lock (StartedLock)
                Started.Remove(this);
        }
    }

    private static Run StartRun(string workingDirectory, string? name, object? parameters, IReadOnlyDictionary<string, string>? tags, string? parent)
    {
        var normalized = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (parameters is not null)
            foreach (var (key, value) in EnumerateParams(parameters))
            {
                ArgumentException.ThrowIfNullOrEmpty(key, nameof(parameters));
                normalized[key] = NormalizeParam(key, value);
            }
        var options = new RunOptions
        {
            WorkingDirectory = workingDirectory,
            Name = name,
            Params = normalized,
            Tags = new SortedDictionary<string, string>(tags?.ToDictionary() ?? [], StringComparer.Ordinal),
            Warn = message => Console.Error.WriteLine($"gittrack: {message}"),
        };
        if (parent is not null)
            options = options with { Parent = parent };

        InstallProcessHandlers();
        var session = RunSession.Begin(options, ClientVersion());
        EventsWriter writer;
        try
        {
            writer = new EventsWriter(session.EventsPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        var run = new Run(session.Run.Id, writer, new Dictionary<string, object>(normalized, StringComparer.Ordinal), session);
        lock (StartedLock)
            Started.Add(run);
        run._poll = new Timer(static state => ((Run)state!).PollQuietly(), run, PollInterval, PollInterval);
        return run;
    }

    // Checkpoint commits while the program runs; a failing checkpoint must never stop the training, so it warns once.
    private void PollQuietly()
    {
        try
        {
            _session!.Poll(final: false);
        }
        catch (Exception e)
        {
            if (Interlocked.Exchange(ref _pollFailed, 1) == 0)
                Console.Error.WriteLine($"gittrack: checkpoint of run {Id} failed, the run is still recorded at its end ({e.Message})");
        }
    }

    private static Run? Innermost()
    {
        lock (StartedLock)
            return Started.Count == 0 ? null : Started[^1];
    }

    private static void InstallProcessHandlers()
    {
        if (Interlocked.Exchange(ref _handlersInstalled, 1) != 0)
            return;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var message = (e.ExceptionObject as Exception)?.Message ?? e.ExceptionObject?.ToString() ?? "unhandled exception";
            EndAll(RunStatus.Failed, message);
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            EndAll(Environment.ExitCode == 0 ? RunStatus.Completed : RunStatus.Failed,
                $"the process exited with code {Environment.ExitCode}");
    }

    private static void EndAll(RunStatus status, string error)
    {
        while (Innermost() is { } run)
        {
            try
            {
                run.End(status, error);
            }
            catch (Exception e)
            {
                // The process is going away; say what was not recorded rather than hide it.
                Console.Error.WriteLine($"gittrack: could not end run {run.Id}: {e.Message}");
                lock (StartedLock)
                    Started.Remove(run);
            }
        }
    }

    private static string ClientVersion() =>
        typeof(Run).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
