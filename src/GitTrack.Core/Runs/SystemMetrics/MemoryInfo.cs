using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>The machine's memory from <c>/proc/meminfo</c>: total and available (what new work could use without swapping), bytes.</summary>
internal readonly record struct MemoryInfo(long TotalBytes, long AvailableBytes)
{
    public long UsedBytes => Math.Max(0, TotalBytes - AvailableBytes);

    /// <summary>Reads MemTotal and MemAvailable (MemFree + Buffers + Cached on kernels before 3.14); null without MemTotal.</summary>
    public static MemoryInfo? Parse(string memInfo)
    {
        long? total = null, available = null, free = null, buffers = null, cached = null;
        foreach (var line in memInfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0)
                continue;
            var parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                continue;
            var bytes = kib * 1024;
            switch (line[..colon])
            {
                case "MemTotal": total = bytes; break;
                case "MemAvailable": available = bytes; break;
                case "MemFree": free = bytes; break;
                case "Buffers": buffers = bytes; break;
                case "Cached": cached = bytes; break;
            }
        }
        if (total is not { } t || t <= 0)
            return null;
        var avail = available ?? (free is { } f ? f + (buffers ?? 0) + (cached ?? 0) : t);
        return new MemoryInfo(t, Math.Min(avail, t));
    }
}
