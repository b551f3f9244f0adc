using System.Security.Cryptography;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Write-then-rename for files GitTrack owns: content goes to a uniquely named temporary file in the target's
/// folder, is flushed to disk, and only then renamed over the target, so a reader sees the old file or the new
/// one, never a part.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A temporary name unique to this process and call: <c>tmp-&lt;pid&gt;-&lt;random&gt;</c>, with an optional prefix.</summary>
    public static string TempName(string prefix = "") =>
        $"{prefix}tmp-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, TempName("." + Path.GetFileName(path) + "."));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the stale-temporary sweep; never worth failing the operation for.
        }
    }
}
