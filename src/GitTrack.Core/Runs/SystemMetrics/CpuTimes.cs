using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// One line of <c>/proc/stat</c>'s CPU counters, in clock ticks since boot: <see cref="Busy"/> (user, nice, system,
/// irq, softirq, steal) and <see cref="Total"/> (those plus idle and iowait). Use is the change in busy over the
/// change in total between two readings.
/// </summary>
internal readonly record struct CpuTimes(long Busy, long Total)
{
    /// <summary>The percentage of <paramref name="later"/> - <paramref name="earlier"/> spent busy, or null when no time passed.</summary>
    public static double? Utilization(CpuTimes earlier, CpuTimes later)
    {
        var total = later.Total - earlier.Total;
        var busy = later.Busy - earlier.Busy;
        if (total <= 0 || busy < 0)
            return null;
        return Math.Clamp(100.0 * busy / total, 0, 100);
    }

    /// <summary>
    /// The <c>cpu</c> line (the whole machine) and each <c>cpuN</c> line of <c>/proc/stat</c>: element 0 is the machine,
    /// element N+1 core N (null where a core is offline and has no line). Empty when the text has no cpu line.
    /// </summary>
    public static List<CpuTimes?> Parse(string procStat)
    {
        var result = new List<CpuTimes?>();
        foreach (var line in procStat.Split('\n'))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
                continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int slot;
            if (fields[0] == "cpu")
                slot = 0;
            else if (int.TryParse(fields[0].AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var core) && core < 65536)
                slot = core + 1;
            else
                continue;
            // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already counted in user.
            if (fields.Length < 5)
                continue;
            long busy = 0, total = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                    goto next;
                total += ticks;
                if (i != 4 && i != 5)
                    busy += ticks;
            }
            while (result.Count <= slot)
                result.Add(null);
            result[slot] = new CpuTimes(busy, total);
        next:;
        }
        if (result.Count > 0 && result[0] is null)
            return [];
        return result;
    }
}
