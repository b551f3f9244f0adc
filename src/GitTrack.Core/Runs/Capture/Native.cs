using System.Runtime.InteropServices;

namespace GitTrack.Core.Runs.Capture;

/// <summary>The few libc calls .NET does not expose: sending a chosen signal to a process, and process groups.</summary>
internal static partial class Native
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15;
    private const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    private static partial int GetProcessGroup();

    [LibraryImport("libc", EntryPoint = "tcgetpgrp", SetLastError = true)]
    private static partial int GetTerminalProcessGroup(int fd);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone or it failed.</summary>
    public static bool SendSignal(int pid, int signal) => !OperatingSystem.IsWindows() && pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Whether a process with this id exists (it may belong to another user).</summary>
    public static bool ProcessExists(int pid)
    {
        if (OperatingSystem.IsWindows() || pid <= 0)
            return true;
        return Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != ESRCH;
    }

    /// <summary>
    /// Whether this process is in the foreground process group of its controlling terminal: then a Ctrl-C typed
    /// there reaches every process of the group, the child included, without our help.
    /// </summary>
    public static bool IsInTerminalForeground()
    {
        if (OperatingSystem.IsWindows())
            return false;
        for (int fd = 0; fd <= 2; fd++)
        {
            int group = GetTerminalProcessGroup(fd);
            if (group > 0)
                return group == GetProcessGroup();
        }
        return false;
    }

    /// <summary>The Linux (and macOS) number of a signal .NET names.</summary>
    public static int Number(System.Runtime.InteropServices.PosixSignal signal) => signal switch
    {
        System.Runtime.InteropServices.PosixSignal.SIGHUP => SIGHUP,
        System.Runtime.InteropServices.PosixSignal.SIGINT => SIGINT,
        System.Runtime.InteropServices.PosixSignal.SIGQUIT => SIGQUIT,
        System.Runtime.InteropServices.PosixSignal.SIGTERM => SIGTERM,
        _ => (int)signal,
    };
}
