using GitTrack.Tests.Shared;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Tests.SystemMetrics;

/// <summary>The reader on a folder laid out as /proc and /sys, whose files the test rewrites between reads.</summary>
public sealed class SystemReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gittrack-proc-").FullName;
    private string Proc => Path.Combine(_root, "proc");
    private string Sys => Path.Combine(_root, "sys");

    public SystemReaderTests()
    {
        Directory.CreateDirectory(Proc);
        Directory.CreateDirectory(Path.Combine(Sys, "block", "vda", "device"));
        Directory.CreateDirectory(Path.Combine(Sys, "block", "loop0"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Proc, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private void Machine(long busy0, long idle0, long busy1, long idle1, long sectorsRead, long sectorsWritten, long rx, long tx, long availableKiB)
    {
        Write("stat", $"cpu  {busy0 + busy1} 0 0 {idle0 + idle1} 0 0 0 0 0 0\ncpu0 {busy0} 0 0 {idle0} 0 0 0 0 0 0\ncpu1 {busy1} 0 0 {idle1} 0 0 0 0 0 0\n");
        Write("meminfo", $"MemTotal: 4000000 kB\nMemFree: 100 kB\nMemAvailable: {availableKiB} kB\n");
        Write("diskstats", $" 254 0 vda 1 0 {sectorsRead} 0 1 0 {sectorsWritten} 0 0 0 0\n 7 0 loop0 1 0 999999 0 1 0 999999 0 0 0 0\n");
        Write("net/dev", $"h1\nh2\n lo: 5 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0\n eth0: {rx} 0 0 0 0 0 0 0 {tx} 0 0 0 0 0 0 0\n");
    }

    private void Process(int pid, int parent, long ticks, long pages) =>
        Write($"{pid}/stat", $"{pid} (p {pid}) S {parent} 1 1 0 -1 0 0 0 0 0 {ticks} 0 0 0 20 0 1 0 100 1000 {pages} 0 0 0");

    [Fact]
    public void Rates_and_uses_are_the_change_between_reads()
    {
        var clock = new ManualClock();
        Machine(busy0: 100, idle0: 900, busy1: 100, idle1: 900, sectorsRead: 0, sectorsWritten: 0, rx: 0, tx: 0, availableKiB: 3000000);
        Process(100, 1, ticks: 50, pages: 100);       // the run's command
        Process(101, 100, ticks: 10, pages: 50);      // its worker
        Process(102, 101, ticks: 0, pages: 25);       // the worker's helper
        Process(200, 1, ticks: 9999, pages: 9999);    // someone else's process
        var reader = new SystemReader(rootPid: 100, Proc, Sys, clock);

        var first = reader.Read().ToDictionary(m => m.Name, m => m.Value);
        // Nothing to take a change from yet: memory only.
        Assert.Equal(["system/process_memory_rss_megabytes", "system/system_memory_usage_megabytes", "system/system_memory_usage_percentage"],
            first.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(25.0, first["system/system_memory_usage_percentage"]);
        Assert.Equal(Math.Round(175.0 * Environment.SystemPageSize / 1e6, 1), first["system/process_memory_rss_megabytes"]);

        clock.Advance(TimeSpan.FromSeconds(10));
        Machine(busy0: 600, idle0: 1400, busy1: 200, idle1: 1800, sectorsRead: 20000, sectorsWritten: 40000, rx: 5_000_000, tx: 1_000_000, availableKiB: 2000000);
        Process(100, 1, ticks: 550, pages: 100);      // +500 ticks: 5 s of CPU in 10 s
        Process(101, 100, ticks: 1010, pages: 50);    // +1000 ticks
        File.Delete(Path.Combine(Proc, "102", "stat")); // the helper ended (its parent waited: counted in 101's ticks)
        var second = reader.Read().ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(30.0, second["system/cpu_utilization_percentage"]);   // (500 + 100) of 2000 ticks
        Assert.Equal(50.0, second["system/cpu_0_utilization_percentage"]);
        Assert.Equal(10.0, second["system/cpu_1_utilization_percentage"]);
        Assert.Equal(150.0, second["system/process_cpu_percentage"]);     // 15 s of CPU in 10 s: 1.5 cores
        Assert.Equal(50.0, second["system/system_memory_usage_percentage"]);
        Assert.Equal(Math.Round(2_000_000 * 1024 / 1e6, 1), second["system/system_memory_usage_megabytes"]);
        Assert.Equal(Math.Round(20000 * 512 / 1e6 / 10, 3), second["system/disk_read_megabytes_per_second"]); // loop0 not counted
        Assert.Equal(Math.Round(40000 * 512 / 1e6 / 10, 3), second["system/disk_write_megabytes_per_second"]);
        Assert.Equal(0.5, second["system/network_receive_megabytes_per_second"]);
        Assert.Equal(0.1, second["system/network_transmit_megabytes_per_second"]);
    }

    [Fact]
    public void Missing_files_leave_their_metrics_out_and_never_throw()
    {
        var clock = new ManualClock();
        Write("meminfo", "MemTotal: 1000 kB\nMemAvailable: 500 kB\n");
        Write("stat", "not a stat file");
        var reader = new SystemReader(rootPid: 4242, Proc, Path.Combine(_root, "no-sys"), clock);
        reader.Read();
        clock.Advance(TimeSpan.FromSeconds(1));
        var metrics = reader.Read().Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["system/system_memory_usage_megabytes", "system/system_memory_usage_percentage"], metrics);

        var nothing = new SystemReader(rootPid: 1, Path.Combine(_root, "no-proc"), Path.Combine(_root, "no-sys"), clock);
        Assert.Empty(nothing.Read());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(nothing.Read());
    }

    [SkippableFact]
    public void On_this_machine_the_reader_measures_this_process()
    {
        Requirement.That(OperatingSystem.IsLinux(), "reads /proc");
        var reader = new SystemReader(Environment.ProcessId);
        reader.Read();
        var spin = DateTime.UtcNow + TimeSpan.FromMilliseconds(300);
        var x = 0.0;
        while (DateTime.UtcNow < spin)
            x += Math.Sqrt(x + 1);
        var metrics = reader.Read().ToDictionary(m => m.Name, m => m.Value);
        Assert.True(metrics["system/process_memory_rss_megabytes"] > 1, "this process has more than 1 MB resident");
        Assert.True(metrics.ContainsKey("system/process_cpu_percentage"));
        Assert.InRange(metrics["system/cpu_utilization_percentage"], 0, 100);
        Assert.Contains(metrics.Keys, k => k == SystemMetricNames.Core(0));
        Assert.InRange(metrics["system/system_memory_usage_percentage"], 0.1, 100);
    }
}
