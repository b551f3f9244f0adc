using System.Runtime.InteropServices;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Runs;

/// <summary>
/// Records one run of a command: snapshots the code, commits the run as <c>running</c>, starts the child with
/// GITTRACK_RUN_ID / GITTRACK_EVENTS / GITTRACK_PARAMS, reads its events while it runs (checkpoint commits every
/// few seconds when something new arrived), and at the end stores the log and artifacts in the cache and commits
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
        if (early.Caught is { } before)
        {
            // Interrupted while the code was snapshotted and the run first committed: the command never runs.
            early.Dispose();
            var number = Native.Number(before);
            var ended = await session.EndAsync(RunStatus.Killed, 128 + number,
                $"interrupted by {before} before the command started", DateTimeOffset.UtcNow).ConfigureAwait(false);
            session.Dispose();
            return new RunOutcome(ended, 128 + number, before);
        }
        using var process = TrackedProcess.Start(new TrackedProcessOptions
        {
            Command = options.Command,
            WorkingDirectory = Path.GetFullPath(options.WorkingDirectory),
            Environment = session.ChildEnvironment(options.ExtraEnvironment),
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
        while (!completion.IsCompleted)
        {
            await Task.WhenAny(completion, Task.Delay(options.PollInterval)).ConfigureAwait(false);
            session.Poll(final: false);
        }
        var result = await completion.ConfigureAwait(false);
        var run = await session.EndAsync(result.Status, result.Started ? result.ExitCode : TrackedProcessResult.CannotStartExitCode,
            result.Error, result.EndedAt).ConfigureAwait(false);
        return new RunOutcome(run, result.ExitCode, result.Interruption);
    }
}

/// <summary>How a recorded run ended: the stored record and the exit code gittrack should exit with.</summary>
public sealed record RunOutcome(RunRecord Run, int ExitCode, PosixSignal? Interruption);
