using System.Diagnostics;
using System.Globalization;

namespace GitTrack.Core.Storage;

/// <summary>
/// Keeps a repository that gittrack writes to packed (docs/format.md, "Packing"). libgit2 writes every object loose
/// and, unlike git's own commands, never runs <c>git gc --auto</c>, so a thousand runs left 14,000 loose objects.
/// After a store has committed, this estimates the loose objects exactly as git does (the files in
/// <c>objects/17</c> times 256, against <c>gc.auto</c>, default 6700; 0 turns it off) and, past the threshold, starts
/// <c>git gc --auto --quiet</c> detached, so the command never waits for it. git's gc uses its default prune expiry
/// (<c>gc.pruneExpire</c>, two weeks), never <c>now</c>, so the history segments a recorder wrote ahead of its next commit
/// are never pruned; git's own <c>gc.pid</c> lock keeps two collections from running at once, and a stamp file
/// (<c>.git/gittrack/gc-auto.stamp</c>) keeps gittrack from starting another within a minute of the last.
/// </summary>
internal static class GitAutoGc
{
    /// <summary>git's default <c>gc.auto</c>.</summary>
    public const int DefaultThreshold = 6700;

    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary>True when git would find too many loose objects here (<c>too_many_loose_objects</c> in git's gc.c).</summary>
    public static bool TooManyLooseObjects(string objectsDir, int threshold)
    {
        if (threshold <= 0)
            return false;
        var limit = (threshold + 255) / 256;
        var sample = Path.Combine(objectsDir, "17");
        if (!Directory.Exists(sample))
            return false;
        var count = 0;
        foreach (var name in Directory.EnumerateFileSystemEntries(sample))
        {
            // Loose objects are named by the 38 (SHA-1) or 62 (SHA-256) hex digits after the folder's two.
            var file = Path.GetFileName(name.AsSpan());
            if ((file.Length == 38 || file.Length == 62) && file.IndexOfAnyExcept("0123456789abcdef") < 0 && ++count > limit)
                return true;
        }
        return false;
    }

    /// <summary>Parses a <c>gc.auto</c> value as git does (an integer with an optional k, m or g suffix); null when unset or not a number.</summary>
    public static int? ParseThreshold(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var text = value.Trim().ToLowerInvariant();
        long factor = text[^1] switch { 'k' => 1024, 'm' => 1024 * 1024, 'g' => 1024 * 1024 * 1024, _ => 1 };
        if (factor != 1)
            text = text[..^1];
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? (int)Math.Clamp(number * factor, int.MinValue, int.MaxValue) : null;
    }

    /// <summary>
    /// Starts <c>git gc --auto --quiet</c> in the background when git would find too many loose objects, unless one
    /// was started here less than a minute ago. Never throws: packing is housekeeping, and the run is already saved.
    /// </summary>
    public static bool StartIfNeeded(GitDirectories directories, string? configuredThreshold)
    {
        try
        {
            var threshold = ParseThreshold(configuredThreshold) ?? DefaultThreshold;
            if (!TooManyLooseObjects(Path.Combine(directories.CommonDir, "objects"), threshold))
                return false;
            var stamp = Path.Combine(directories.GitTrackDir, "gc-auto.stamp");
            if (File.Exists(stamp) && DateTime.UtcNow - File.GetLastWriteTimeUtc(stamp) < MinimumInterval)
                return false;
            Directory.CreateDirectory(directories.GitTrackDir);
            File.WriteAllText(stamp, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\n");
            // sh starts git in the background and exits at once: git is left to init, with no terminal or pipe of
            // ours open, so neither this command nor whoever reads its output waits for the collection.
            var info = new ProcessStartInfo("/bin/sh")
            {
                WorkingDirectory = directories.WorkTree,
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("git gc --auto --quiet </dev/null >/dev/null 2>&1 &");
            info.Environment["GIT_DIR"] = directories.GitDir;
            info.Environment["GIT_TERMINAL_PROMPT"] = "0";
            using var shell = Process.Start(info);
            if (shell is null)
                return false;
            shell.StandardInput.Close();
            shell.WaitForExit();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
