using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Opens files that a tracked command could have replaced (its events file, its log, its artifacts) without ever
/// blocking or reading without end: only a regular file is opened, a symbolic link is not followed, and the open
/// itself cannot wait (a named pipe put in a file's place would otherwise block <c>open(2)</c> until a writer comes,
/// and a link to <c>/dev/zero</c> would read forever). On Linux through <c>statx(2)</c> and a non-blocking
/// <c>open(2)</c>; elsewhere with what .NET tells (links and folders are still refused).
/// </summary>
internal static partial class RegularFile
{
    private static bool s_linuxCalls = OperatingSystem.IsLinux();

    /// <summary>What <paramref name="path"/> names, the link itself for a symbolic link unless <paramref name="followLinks"/>.</summary>
    public static FileKind KindOf(string path, bool followLinks = false)
    {
        if (TryStatx(path, followLinks, out var status))
            return status.Kind;
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            if (!followLinks)
                return FileKind.SymbolicLink;
            return File.Exists(path) ? FileKind.Regular : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
        }
        return info.Exists ? FileKind.Regular : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
    }

    /// <summary>The device and inode <paramref name="path"/> names (not following a link), or null where it does not exist or they are unknown.</summary>
    public static (ulong Device, ulong Inode)? IdentityOf(string path) =>
        TryStatx(path, followLinks: false, out var status) ? (status.Device, status.Inode) : null;

    /// <summary>
    /// Opens <paramref name="path"/> for reading when it is a regular file, and gives in <paramref name="kind"/> what
    /// it is otherwise (null is then returned). Never blocks, never follows a symbolic link. I/O errors other than a
    /// missing file are thrown.
    /// </summary>
    public static FileStream? OpenForReading(string path, out FileKind kind, out (ulong Device, ulong Inode)? identity)
    {
        identity = null;
        kind = KindOf(path);
        if (kind != FileKind.Regular)
            return null;
        if (!s_linuxCalls)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                kind = FileKind.Missing;
                return null;
            }
        }

        // The path may change between the look above and the open: the open does not wait whatever it meets
        // (O_NONBLOCK), and what was opened is checked again, by its descriptor, before it is read.
        int fd = Native.Open(path, Native.ReadOnlyNonBlocking);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Native.ENOENT or Native.ENOTDIR)
            {
                kind = FileKind.Missing;
                return null;
            }
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!Native.TryStatx(fd, "", Native.AtEmptyPath, out var opened))
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"cannot read {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        // A link swapped in after the look is followed by open(2): the path, looked at again, says so.
        var named = TryStatx(path, followLinks: false, out var now) ? now : default;
        if (opened.Kind != FileKind.Regular || (named.Device, named.Inode) != (opened.Device, opened.Inode))
        {
            kind = opened.Kind != FileKind.Regular ? opened.Kind : named.Kind == FileKind.Regular ? FileKind.Missing : named.Kind;
            handle.Dispose();
            return null;
        }
        identity = (opened.Device, opened.Inode);
        return new FileStream(handle, FileAccess.Read, bufferSize: 0);
    }

    /// <summary>How a user is told what a path turned out to be: "a named pipe (FIFO)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "nothing (it was removed)",
        FileKind.Regular => "a file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => kind.ToString(),
    };

    private static bool TryStatx(string path, bool followLinks, out Native.Status status)
    {
        status = default;
        if (!s_linuxCalls)
            return false;
        try
        {
            if (Native.TryStatx(Native.AtFdCwd, path, followLinks ? 0 : Native.AtSymlinkNoFollow, out status))
                return true;
            status = new Native.Status(FileKind.Missing, 0, 0);
            return Marshal.GetLastPInvokeError() is Native.ENOENT or Native.ENOTDIR;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_linuxCalls = false;
            return false;
        }
    }

    private static partial class Native
    {
        public const int AtFdCwd = -100;
        public const int AtSymlinkNoFollow = 0x100;
        public const int AtEmptyPath = 0x1000;
        public const int ENOENT = 2, ENOTDIR = 20;
        // O_RDONLY | O_NONBLOCK | O_CLOEXEC: the same values on every Linux architecture .NET runs on.
        public const int ReadOnlyNonBlocking = 0x0 | 0x800 | 0x80000;
        private const uint StatxType = 0x1, StatxIno = 0x100;

        public readonly record struct Status(FileKind Kind, ulong Device, ulong Inode);

        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

        // struct statx is a fixed 256-byte layout, the same on every architecture (linux/stat.h).
        public static unsafe bool TryStatx(int dirfd, string path, int flags, out Status status)
        {
            byte* buffer = stackalloc byte[256];
            if (Statx(dirfd, path, flags, StatxType | StatxIno, buffer) != 0)
            {
                status = default;
                return false;
            }
            int mode = *(ushort*)(buffer + 28);
            ulong inode = *(ulong*)(buffer + 32);
            ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            var kind = (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.SymbolicLink,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Missing,
            };
            status = new Status(kind, device, inode);
            return true;
        }
    }
}
