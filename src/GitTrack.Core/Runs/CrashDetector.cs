namespace GitTrack.Core.Runs;

/// <summary>
/// Decides on read whether a run recorded as <c>running</c> has lost its recorder: on this host, a different boot
/// id (the machine rebooted) or no live process with the recorded pid means it crashed. Runs recorded on another
/// host cannot be checked from here and stay <c>running</c>.
/// </summary>
public sealed class CrashDetector
{
    private readonly string _host;
    private readonly string? _bootId;

    public CrashDetector(string host, string? bootId)
    {
        _host = host;
        _bootId = bootId;
    }

    public static CrashDetector ForThisMachine() => new(Environment.MachineName, CurrentBootId());

    /// <summary>The kernel's id of this boot (<c>/proc/sys/kernel/random/boot_id</c>), or null off Linux.</summary>
    public static string? CurrentBootId()
    {
        try
        {
            const string path = "/proc/sys/kernel/random/boot_id";
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="process"/> ran on this machine (so its liveness can be checked here).</summary>
    public bool IsThisHost(ProcessInfo process) => string.Equals(process.Host, _host, StringComparison.Ordinal);

    public RunStatus Effective(RunStatus recorded, ProcessInfo? process)
    {
        if (recorded != RunStatus.Running || process is null || !string.Equals(process.Host, _host, StringComparison.Ordinal))
            return recorded;
        if (process.BootId is not null && _bootId is not null && process.BootId != _bootId)
            return RunStatus.Crashed;
        return IsAlive(process.Pid) ? RunStatus.Running : RunStatus.Crashed;
    }

    private static bool IsAlive(int pid) => pid > 0 && Capture.Native.ProcessExists(pid);
}
