using System.Runtime.InteropServices;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// How a tracked command ended. <see cref="ExitCode"/> is the child's exit code, 128 + n when a signal n ended it
/// (as shells report it), 127 when it could not be started (<see cref="Error"/> says why).
/// <see cref="Interruption"/> is the signal gittrack received and passed on (Ctrl-C, SIGTERM), if any: the run
/// then ends as killed.
/// </summary>
public sealed record TrackedProcessResult
{
    public const int CannotStartExitCode = 127;

    public required int ExitCode { get; init; }
    public required bool Started { get; init; }
    public string? Error { get; init; }
    public int? Pid { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public PosixSignal? Interruption { get; init; }
    /// <summary>Bytes written to the log (stdout and stderr together).</summary>
    public long LogBytes { get; init; }

    public bool Interrupted => Interruption is not null;
    public TimeSpan Duration => EndedAt - StartedAt;

    /// <summary>The status a run with this result ends in.</summary>
    public RunStatus Status => Interrupted ? RunStatus.Killed : Started && ExitCode == 0 ? RunStatus.Completed : RunStatus.Failed;
}
