using System.Globalization;
using GitTrack.Core.Runs.SystemMetrics;
using Spectre.Console;

namespace GitTrack.Cli.Watch;

/// <summary>
/// The dashboard's system panel from a set of system metrics (a run's latest, or this machine's): CPU with a bar,
/// each core (bars when few, one block character each when many), memory, the run's own CPU and memory, disk
/// and network throughput, and each GPU's utilisation and memory as bars with its temperature and power.
/// </summary>
internal static class SystemPanel
{
    private const string Levels = "▁▂▃▄▅▆▇█";

    public static List<StyledLine> Render(IReadOnlyDictionary<string, double> values, int width, int height)
    {
        var lines = new List<StyledLine>();
        if (values.Count == 0)
        {
            lines.Add(StyledLine.Of("no system metrics", Style.Parse("grey")));
            return lines;
        }
        var barWidth = Math.Max(4, width - 14);
        if (values.TryGetValue(SystemMetricNames.CpuUtilization, out var cpu))
            lines.Add(Bar("CPU ", cpu, barWidth, Percent(cpu)));

        var cores = values.Select(v => (Core: SystemMetricNames.CoreOf(v.Key), v.Value)).Where(c => c.Core is not null)
            .OrderBy(c => c.Core).Select(c => c.Value).ToList();
        var gpus = values.Select(v => SystemMetricNames.GpuOf(v.Key)).Where(g => g is not null).Select(g => g!.Value.Index).Distinct().Order().ToList();
        var fixedLines = 4 + 2 * gpus.Count;
        if (cores.Count > 0)
        {
            if (cores.Count <= 8 && height - fixedLines - (cores.Count + 1) / 2 >= 0 && width >= 24)
            {
                // Two cores a line: "c0 ▕███   ▏ 45  c1 ▕█     ▏ 12".
                var half = (width - 2) / 2;
                var coreBar = Math.Max(3, half - 9);
                for (var i = 0; i < cores.Count; i += 2)
                {
                    var line = new StyledLine();
                    AddCore(line, i, cores[i], coreBar);
                    if (i + 1 < cores.Count)
                    {
                        line.Add("  ");
                        AddCore(line, i + 1, cores[i + 1], coreBar);
                    }
                    lines.Add(line);
                }
            }
            else
            {
                // One block per core, as many lines as needed: a many-core machine at a glance.
                var perLine = Math.Max(8, width - 6);
                for (var i = 0; i < cores.Count; i += perLine)
                {
                    var line = StyledLine.Of(i == 0 ? "cores " : "      ");
                    foreach (var value in cores.Skip(i).Take(perLine))
                        line.Add(Levels[Math.Clamp((int)(value / 100 * (Levels.Length - 1) + 0.5), 0, Levels.Length - 1)].ToString(), Level(value));
                    lines.Add(line);
                }
            }
        }
        if (values.TryGetValue(SystemMetricNames.SystemMemoryPercentage, out var memory))
        {
            var used = values.TryGetValue(SystemMetricNames.SystemMemoryUsage, out var mb) ? " " + Megabytes(mb) : "";
            lines.Add(Bar("Mem ", memory, Math.Max(4, barWidth - used.Length), Percent(memory) + used));
        }
        if (values.TryGetValue(SystemMetricNames.ProcessCpu, out var processCpu) | values.TryGetValue(SystemMetricNames.ProcessMemory, out var rss))
        {
            var line = StyledLine.Of("Run ", Style.Parse("bold"));
            if (values.ContainsKey(SystemMetricNames.ProcessCpu))
                line.Add($" cpu {Number(processCpu)}%");
            if (values.ContainsKey(SystemMetricNames.ProcessMemory))
                line.Add($"  rss {Megabytes(rss)}");
            lines.Add(line);
        }
        if (values.TryGetValue(SystemMetricNames.DiskRead, out var read) & values.TryGetValue(SystemMetricNames.DiskWrite, out var written))
            lines.Add(StyledLine.Of("Disk", Style.Parse("bold")).Add($" r {Number(read)} w {Number(written)} MB/s"));
        if (values.TryGetValue(SystemMetricNames.NetworkReceive, out var received) & values.TryGetValue(SystemMetricNames.NetworkTransmit, out var sent))
            lines.Add(StyledLine.Of("Net ", Style.Parse("bold")).Add($" ↓ {Number(received)} ↑ {Number(sent)} MB/s"));
        foreach (var gpu in gpus)
        {
            double Get(string what) => values.TryGetValue(SystemMetricNames.Gpu(gpu, what), out var v) ? v : double.NaN;
            var utilization = Get(SystemMetricNames.GpuUtilization);
            var label = $"GPU{gpu.ToString(CultureInfo.InvariantCulture)}".PadRight(4);
            lines.Add(double.IsNaN(utilization) ? StyledLine.Of(label, Style.Parse("bold")).Add(" util n/a") : Bar(label, utilization, barWidth, Percent(utilization)));
            var memoryPercent = Get(SystemMetricNames.GpuMemoryPercentage);
            var extra = new List<string>();
            if (Get(SystemMetricNames.GpuTemperature) is var t && !double.IsNaN(t))
                extra.Add($"{Number(t)}°C");
            if (Get(SystemMetricNames.GpuPower) is var w && !double.IsNaN(w))
                extra.Add($"{Number(w)} W");
            var tail = (Get(SystemMetricNames.GpuMemoryUsage) is var m && !double.IsNaN(m) ? " " + Megabytes(m) : "")
                + (extra.Count > 0 ? " " + string.Join(' ', extra) : "");
            if (!double.IsNaN(memoryPercent))
                lines.Add(Bar(" mem", memoryPercent, Math.Max(4, width - 12 - tail.Length), Percent(memoryPercent) + tail));
            else if (tail.Length > 0)
                lines.Add(StyledLine.Of("    " + tail));
        }
        return lines.Count > height ? lines.GetRange(0, height) : lines;
    }

    private static void AddCore(StyledLine line, int core, double value, int barWidth)
    {
        line.Add(core.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " ");
        var filled = (int)Math.Round(Math.Clamp(value, 0, 100) / 100 * barWidth);
        line.Add(new string('█', filled), Level(value)).Add(new string('░', barWidth - filled), Style.Parse("grey"));
        line.Add(" " + ((int)Math.Round(value)).ToString(CultureInfo.InvariantCulture).PadLeft(3));
    }

    private static StyledLine Bar(string label, double percent, int width, string suffix)
    {
        var filled = (int)Math.Round(Math.Clamp(percent, 0, 100) / 100 * width);
        return StyledLine.Of(label, Style.Parse("bold")).Add(" ")
            .Add(new string('█', filled), Level(percent)).Add(new string('░', width - filled), Style.Parse("grey"))
            .Add(" " + suffix);
    }

    private static Style Level(double percent) => Style.Parse(percent >= 85 ? "red" : percent >= 60 ? "yellow" : "green");

    private static string Percent(double value) => Number(value) + "%";

    private static string Number(double value) => value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    private static string Megabytes(double megabytes) => megabytes >= 1000
        ? (megabytes / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : megabytes.ToString("0", CultureInfo.InvariantCulture) + " MB";
}
