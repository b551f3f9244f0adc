namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Identifies the gittrack process recording a run (<see cref="ProcessInfo"/>: pid, host, boot id) and tells,
/// later, whether that process is gone, so that a run left <c>running</c> by a killed gittrack shows as crashed.
/// </summary>
public static class RecorderProcess
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>This process.</summary>
    public static ProcessInfo Current() => new(Environment.ProcessId, Environment.MachineName, ReadBootId());

    /// <summary>
    /// True only when it is certain the recorder is gone: same host and either another boot or no process with that
    /// id. A run recorded on another machine cannot be checked from here and is never called gone.
    /// </summary>
    public static bool IsGone(ProcessInfo recorder)
    {
        if (!string.Equals(recorder.Host, Environment.MachineName, StringComparison.Ordinal))
            return false;
        var bootId = ReadBootId();
        if (recorder.BootId is not null && bootId is not null && recorder.BootId != bootId)
            return true;
        return !Native.ProcessExists(recorder.Pid);
    }

    private static string? ReadBootId()
    {
        try
        {
            return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
