using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// The names of the metrics <see cref="SystemSampler"/> records while a run runs, all under <see cref="Prefix"/>.
/// They follow MLflow's system metrics where MLflow has a name for the quantity (<c>cpu_utilization_percentage</c>,
/// <c>system_memory_usage_megabytes</c>, <c>gpu_0_utilization_percentage</c>, ...), so a run imported from or compared
/// with MLflow lines up; a megabyte is 10^6 bytes, as in MLflow. docs/format.md, "System metrics", lists them all.
/// </summary>
public static class SystemMetricNames
{
    public const string Prefix = "system/";

    /// <summary>The whole machine's CPU use, 0 to 100 (all cores together).</summary>
    public const string CpuUtilization = Prefix + "cpu_utilization_percentage";

    /// <summary>The run's process tree (the command and everything it started): percent of one core, above 100 when it uses several.</summary>
    public const string ProcessCpu = Prefix + "process_cpu_percentage";

    /// <summary>The machine's used memory (total less available), MB.</summary>
    public const string SystemMemoryUsage = Prefix + "system_memory_usage_megabytes";

    /// <summary>The machine's used memory, percent of its total.</summary>
    public const string SystemMemoryPercentage = Prefix + "system_memory_usage_percentage";

    /// <summary>The resident memory of the run's process tree, MB.</summary>
    public const string ProcessMemory = Prefix + "process_memory_rss_megabytes";

    public const string DiskRead = Prefix + "disk_read_megabytes_per_second";
    public const string DiskWrite = Prefix + "disk_write_megabytes_per_second";
    public const string NetworkReceive = Prefix + "network_receive_megabytes_per_second";
    public const string NetworkTransmit = Prefix + "network_transmit_megabytes_per_second";

    /// <summary>What a GPU's metric names end with, after <c>system/gpu_N_</c>.</summary>
    public const string GpuUtilization = "utilization_percentage",
        GpuMemoryUsage = "memory_usage_megabytes",
        GpuMemoryPercentage = "memory_usage_percentage",
        GpuTemperature = "temperature_celsius",
        GpuPower = "power_usage_watts",
        GpuPowerPercentage = "power_usage_percentage";

    /// <summary>Whether <paramref name="metric"/> is a system metric (kept out of listings' default columns).</summary>
    public static bool IsSystem(string metric) => metric.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>One core's CPU use, 0 to 100: <c>system/cpu_N_utilization_percentage</c>.</summary>
    public static string Core(int core) => $"{Prefix}cpu_{core.ToString(CultureInfo.InvariantCulture)}_utilization_percentage";

    /// <summary>A GPU's metric: <c>system/gpu_N_WHAT</c>, with WHAT one of the <c>Gpu*</c> suffixes.</summary>
    public static string Gpu(int index, string what) => $"{Prefix}gpu_{index.ToString(CultureInfo.InvariantCulture)}_{what}";

    /// <summary>The core number of a per-core name, or null for any other name.</summary>
    public static int? CoreOf(string metric) => NumberBetween(metric, Prefix + "cpu_", "_utilization_percentage");

    /// <summary>The GPU index and suffix of a GPU metric name (<c>system/gpu_3_power_usage_watts</c> gives 3 and <c>power_usage_watts</c>), or null.</summary>
    public static (int Index, string What)? GpuOf(string metric)
    {
        const string start = Prefix + "gpu_";
        if (!metric.StartsWith(start, StringComparison.Ordinal))
            return null;
        var rest = metric.AsSpan(start.Length);
        var underscore = rest.IndexOf('_');
        if (underscore <= 0 || !int.TryParse(rest[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return null;
        return (index, rest[(underscore + 1)..].ToString());
    }

    private static int? NumberBetween(string metric, string start, string end)
    {
        if (!metric.StartsWith(start, StringComparison.Ordinal) || !metric.EndsWith(end, StringComparison.Ordinal)
            || metric.Length <= start.Length + end.Length)
            return null;
        var middle = metric.AsSpan(start.Length, metric.Length - start.Length - end.Length);
        return int.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
