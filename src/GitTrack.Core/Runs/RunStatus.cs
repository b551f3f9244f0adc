namespace GitTrack.Core.Runs;

/// <summary>Where a run is in its life. Written to the manifest in lowercase (<c>running</c>, <c>completed</c>...).</summary>
public enum RunStatus
{
    /// <summary>Started and not ended yet (or its recorder died: see <see cref="Crashed"/>).</summary>
    Running = 0,
    /// <summary>The command exited with code 0.</summary>
    Completed = 1,
    /// <summary>The command exited with a non-zero code, or could not be started.</summary>
    Failed = 2,
    /// <summary>The command was stopped by Ctrl-C or SIGTERM forwarded by gittrack.</summary>
    Killed = 3,
    /// <summary>Recorded as running, but the process that recorded it is gone. Never written: derived on read.</summary>
    Crashed = 4,
}
