namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Identifies the gittrack process recording a run (<see cref="ProcessInfo"/>: pid, host, boot id) and tells,
/// later, whether that process is gone, so that a run left <c>running</c> by a killed gittrack shows as crashed.
/// </summary>
public static class RecorderProcess
{
    /// <summary>This process.</summary>
    public static ProcessInfo Current() => new(Environment.ProcessId, Environment.MachineName, CrashDetector.CurrentBootId());

    /// <summary>
    /// True only when it is certain the recorder is gone (see <see cref="CrashDetector"/>). A run recorded on another
    /// machine cannot be checked from here and is never called gone.
    /// </summary>
    public static bool IsGone(ProcessInfo recorder) =>
        CrashDetector.ForThisMachine().Effective(RunStatus.Running, recorder) == RunStatus.Crashed;
}
