using System.Runtime.InteropServices;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Runs.SystemMetrics;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Runs;

/// <summary>
/// Records one run of a command: snapshots the code, commits the run as <c>running</c>, starts the child with
/// GITTRACK_RUN_ID / GITTRACK_EVENTS / GITTRACK_PARAMS, reads its events while it runs (checkpoint commits every
/// few seconds when something new arrived), samples system metrics beside it (<see cref="SystemSampler"/>), and at the end stores the log and artifacts in the cache and commits
/// the final manifest. The user's HEAD, branches, index and work tree are never changed.
/// </summary>
public sealed class RunRecorder
{
    /// <summary>Runs <paramref name="options"/>' command to its end and records it.</summary>
    public static async Task<RunOutcome> RecordAsync(RunOptions options, string? gittrackVersion = null)
    {
        if (options.Command.Count == 0)
            throw new InvalidInputException("no command to run", "give it after gittrack's options: gittrack run python train.py");

        // From here a Ctrl-C or SIGTERM ends the run as killed, even before the command has started.
        var early = EarlySignals.Catch();
        RunSession session;
        try
        {
            session = RunSession.Begin(options, gittrackVersion);
        }
        catch
        {
            early.Dispose();
            throw;
        }
        options.Companion?.Begun(session);
        if (early.Caught is { } before)
        {
            // Interrupted while the code was snapshotted and the run first committed: the command never runs.
            early.Dispose();
            var number = Native.Number(before);
            if (options.Companion is { } companion)
                await companion.EndingAsync(RunStatus.Killed).ConfigureAwait(false);
            var ended = await session.EndAsync(RunStatus.Killed, 128 + number,
                $"interrupted by {before} before the command started", DateTimeOffset.UtcNow).ConfigureAwait(false);
            session.Dispose();
            return new RunOutcome(ended, 128 + number, before);
        }
        using var process = TrackedProcess.Start(new TrackedProcessOptions
        {
            Command = options.Command,
            WorkingDirectory = Path.GetFullPath(options.WorkingDirectory),
            Environment = WithPythonPath(session.ChildEnvironment(options.ExtraEnvironment), options.PythonPathAddition),
            StandardOutput = options.StandardOutput,
            StandardError = options.StandardError,
            LogPath = session.LogPath,
            HandleSignals = true,
        });

        // The child's handlers are in place: a signal caught in between is passed on as if it came now.
        early.Dispose();
        if (early.Caught is { } meanwhile)
            process.Forward(meanwhile);
        var completion = process.Completion;
        // System metrics sampled beside the command, into the run like logged metrics (a no-op when turned off).
        var sampler = process.Pid is { } pid ? SystemSampler.Start(options.SystemInterval, pid, session.AddMetricPoints) : null;
        TrackedProcessResult result;
        try
        {
            while (!completion.IsCompleted)
            {
                await Task.WhenAny(completion, Task.Delay(options.PollInterval)).ConfigureAwait(false);
                session.Poll(final: false);
            }
            result = await completion.ConfigureAwait(false);
        }
        finally
        {
            if (sampler is not null)
                await sampler.DisposeAsync().ConfigureAwait(false);
        }
        if (options.Companion is { } ending)
            await ending.EndingAsync(result.Status).ConfigureAwait(false);
        var run = await session.EndAsync(result.Status, result.Started ? result.ExitCode : TrackedProcessResult.CannotStartExitCode,
            result.Error, result.EndedAt).ConfigureAwait(false);
        return new RunOutcome(run, result.ExitCode, result.Interruption);
    }

    /// <summary>
    /// The child's environment with <paramref name="folder"/> appended to PYTHONPATH: after the entries the child
    /// would have had (given in <paramref name="environment"/>, else this process's), never replacing them, and not
    /// again when it is there already (a run inside a run).
    /// </summary>
    internal static IReadOnlyDictionary<string, string?> WithPythonPath(IReadOnlyDictionary<string, string?> environment, string? folder)
    {
        if (string.IsNullOrEmpty(folder))
            return environment;
        var existing = environment.TryGetValue("PYTHONPATH", out var given) ? given : System.Environment.GetEnvironmentVariable("PYTHONPATH");
        if (!string.IsNullOrEmpty(existing) && existing.Split(Path.PathSeparator).Contains(folder, StringComparer.Ordinal))
            return environment;
        return new Dictionary<string, string?>(environment, StringComparer.Ordinal)
        {
            ["PYTHONPATH"] = string.IsNullOrEmpty(existing) ? folder : existing + Path.PathSeparator + folder,
        };
    }
}

/// <summary>How a recorded run ended: the stored record and the exit code gittrack should exit with.</summary>
public sealed record RunOutcome(RunRecord Run, int ExitCode, PosixSignal? Interruption);
