using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// What <c>/proc/PID/stat</c> says of one process: its parent, the CPU ticks it used (<see cref="Ticks"/>: user and
/// system time of its own, plus that of the children it has waited for, so short-lived helpers still count), and
/// its resident memory in pages.
/// </summary>
internal readonly record struct ProcessStat(int Pid, int ParentPid, long Ticks, long ResidentPages)
{
    /// <summary>Parses one stat line; null when it is not one (a process that vanished while being read leaves an empty file).</summary>
    public static ProcessStat? Parse(string stat)
    {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted after the last ')'.
        int open = stat.IndexOf(' ');
        int close = stat.LastIndexOf(')');
        if (open <= 0 || close < open)
            return null;
        if (!int.TryParse(stat.AsSpan(0, open), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 of proc(5): state; ppid is 4, utime 14, stime 15, cutime 16, cstime 17, rss 24.
        if (fields.Length < 22
            || !int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ppid))
            return null;
        long ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t))
                return null;
            ticks += Math.Max(0, t);
        }
        if (!long.TryParse(fields[21], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rss))
            return null;
        return new ProcessStat(pid, ppid, ticks, Math.Max(0, rss));
    }
}
