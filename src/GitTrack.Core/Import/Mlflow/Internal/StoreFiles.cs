using System.Runtime.InteropServices;
using System.Text;

namespace GitTrack.Core.Import.Mlflow.Internal;

/// <summary>
/// Reading an MLflow store as untrusted input: folders are listed without following links, only regular files are
/// opened (a FIFO or device would block or never end), and every read is bounded.
/// </summary>
internal static partial class StoreFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What a folder entry is, judged without following it.</summary>
    public enum Kind { Missing, File, Folder, Link, Other }

    public static Kind KindOf(FileSystemInfo info) => KindOf(info.FullName);

    public static Kind KindOf(string path)
    {
        try
        {
            if (new FileInfo(path).LinkTarget is not null)
                return Kind.Link;
            if (Directory.Exists(path))
                return Kind.Folder;
            if (File.Exists(path))
                return IsRegular(path) ? Kind.File : Kind.Other;
            return Kind.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Kind.Missing;
        }
    }

    /// <summary>A folder's entries in ordinal order of name (empty when it cannot be listed).</summary>
    public static IReadOnlyList<FileSystemInfo> List(string folder)
    {
        try
        {
            return [.. new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A whole small file as UTF-8 text; null with <paramref name="problem"/> set when it is too large or not UTF-8.</summary>
    public static string? ReadText(string path, int maxBytes, out string? problem)
    {
        problem = null;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                problem = $"larger than {maxBytes:N0} bytes ({length:N0}): not read";
                return null;
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var buffer = new byte[maxBytes + 1];
            int total = 0, read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
                total += read;
            if (total > maxBytes)
            {
                problem = $"larger than {maxBytes:N0} bytes: not read";
                return null;
            }
            var bytes = buffer.AsSpan(0, total);
            if (bytes.StartsWith("\xEF\xBB\xBF"u8))
                bytes = bytes[3..];
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "not valid UTF-8";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {e.Message}";
            return null;
        }
    }

    // statx(2) without following a final link: S_IFREG in stx_mode. Elsewhere (or if statx is missing), a file that
    // is not a link counts as regular.
    private static bool s_statxWorks = OperatingSystem.IsLinux();

    private static bool IsRegular(string path)
    {
        if (!s_statxWorks)
            return true;
        try
        {
            return Native.Mode(path) is { } mode ? (mode & 0xF000) == 0x8000 : false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_statxWorks = false;
            return true;
        }
    }

    private static partial class Native
    {
        private const int AtFdCwd = -100;
        private const int AtSymlinkNoFollow = 0x100;
        private const uint StatxType = 0x1;

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

        // struct statx: stx_mode is a __u16 at offset 28 (linux/stat.h).
        public static unsafe ushort? Mode(string path)
        {
            byte* buffer = stackalloc byte[256];
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
                return null;
            return *(ushort*)(buffer + 28);
        }
    }
}
