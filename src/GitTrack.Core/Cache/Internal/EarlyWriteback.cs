using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Starts the kernel writing a file's new bytes to disk while later blocks are still being hashed
/// (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>), so the closing fsync finds little left to do and the
/// disk works alongside the CPU instead of after it. Only a hint: durability still comes from the fsync, and
/// where the call is unavailable this does nothing.
/// </summary>
internal sealed partial class EarlyWriteback(SafeFileHandle file)
{
    private const uint SyncFileRangeWrite = 2;
    private static bool s_available = OperatingSystem.IsLinux();
    private long _started;

    /// <summary>Asks for everything before <paramref name="end"/> not yet handed over to be written out.</summary>
    public void UpTo(long end)
    {
        if (!s_available || end <= _started)
            return;
        try
        {
            int fd = (int)file.DangerousGetHandle();
            SyncFileRange(fd, _started, end - _started, SyncFileRangeWrite);
            _started = end;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_available = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
