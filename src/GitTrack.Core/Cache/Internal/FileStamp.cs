using System.Runtime.InteropServices;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// What the stat index compares to decide a file is unchanged: size, modification time (ns), and on Linux also the
/// status-change time (ns), device and inode from <c>statx(2)</c>. Elsewhere only size and modification time
/// (100 ns ticks) are known, and <see cref="HasInode"/> is false.
/// </summary>
internal readonly partial record struct FileStamp(long Size, long MtimeNs, long CtimeNs, ulong Device, ulong Inode, bool HasInode)
{
    private static bool s_statxWorks = OperatingSystem.IsLinux();

    public static FileStamp Of(string path)
    {
        if (s_statxWorks)
        {
            try
            {
                if (Native.TryStatx(path, out var stamp))
                    return stamp;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_statxWorks = false;
            }
        }
        var info = new FileInfo(path);
        long ticksSinceEpoch = info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks;
        return new FileStamp(info.Length, ticksSinceEpoch * 100, 0, 0, 0, HasInode: false);
    }

    private static partial class Native
    {
        private const int AtFdCwd = -100;
        private const uint StatxBasicStats = 0x7ff;

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

        // struct statx is a fixed 256-byte layout, the same on every architecture (linux/stat.h).
        public static unsafe bool TryStatx(string path, out FileStamp stamp)
        {
            byte* buffer = stackalloc byte[256];
            if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
            {
                stamp = default;
                return false;
            }
            ulong ino = *(ulong*)(buffer + 32);
            long size = *(long*)(buffer + 40);
            long ctime = *(long*)(buffer + 96) * 1_000_000_000 + *(uint*)(buffer + 104);
            long mtime = *(long*)(buffer + 112) * 1_000_000_000 + *(uint*)(buffer + 120);
            ulong dev = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            stamp = new FileStamp(size, mtime, ctime, dev, ino, HasInode: true);
            return true;
        }
    }
}
