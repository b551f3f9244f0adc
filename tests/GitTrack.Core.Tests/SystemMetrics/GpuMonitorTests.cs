using GitTrack.Tests.Shared;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Tests.SystemMetrics;

public sealed class GpuMonitorTests
{
    [Fact]
    public void The_latest_line_of_each_gpu_is_current()
    {
        var clock = new ManualClock();
        using var monitor = GpuMonitor.WithoutProcess(TimeSpan.FromSeconds(1), clock);
        foreach (var line in GpuQueryTests.Fixture("h100x4.txt").Split('\n'))
            monitor.Accept(line);
        var current = monitor.Current();
        Assert.Equal([0, 1, 2, 3], current.Select(g => g.Index));
        Assert.Equal([12.0, 10, 14, 11], current.Select(g => g.UtilizationPercent!.Value));
    }

    [Fact]
    public void A_lost_gpu_drops_out_once_its_lines_stop()
    {
        var clock = new ManualClock();
        using var monitor = GpuMonitor.WithoutProcess(TimeSpan.FromSeconds(1), clock);
        var lines = GpuQueryTests.Fixture("gpu-lost.txt").Split('\n');
        // One interval a second: the first two lines, then each later line a second apart.
        monitor.Accept(lines[0]);
        monitor.Accept(lines[1]);
        Assert.Equal([0, 1], monitor.Current().Select(g => g.Index));
        foreach (var line in lines[2..5])
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            monitor.Accept(line);
        }
        // GPU 1 was last heard 3 s ago, within two intervals and two seconds of grace (4 s).
        Assert.Equal([0, 1], monitor.Current().Select(g => g.Index));
        clock.Advance(TimeSpan.FromSeconds(1.5));
        monitor.Accept(lines[4]);
        Assert.Equal([0], monitor.Current().Select(g => g.Index));
        Assert.Equal(89, monitor.Current()[0].UtilizationPercent);
    }

    [Fact]
    public void Without_nvidia_smi_there_are_no_gpus()
    {
        using var monitor = GpuMonitor.Start(TimeSpan.FromSeconds(1), program: null);
        if (!monitor.Started)
            Assert.Empty(monitor.Current());
        using var missing = GpuMonitor.Start(TimeSpan.FromSeconds(1), program: "/nonexistent/nvidia-smi");
        Assert.False(missing.Started);
        Assert.Empty(missing.Current());
    }

    [SkippableFact]
    public void One_long_lived_nvidia_smi_feeds_the_monitor_until_it_is_disposed()
    {
        Requirement.That(!OperatingSystem.IsWindows(), "a shell script stands in for nvidia-smi");
        using var fake = FakeNvidiaSmi.Create("h100x4.txt");
        GpuMonitor monitor = GpuMonitor.Start(TimeSpan.FromMilliseconds(200), fake.Path);
        try
        {
            Assert.True(monitor.Started);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (monitor.Current().Count < 4 && DateTime.UtcNow < deadline)
                Thread.Sleep(50);
            Assert.Equal([0, 1, 2, 3], monitor.Current().Select(g => g.Index));
            Assert.Equal(["--query-gpu=" + GpuQuery.Fields, "--format=csv,noheader,nounits", "-lms", "200"], fake.Arguments());
        }
        finally
        {
            monitor.Dispose();
        }
        Assert.False(FakeNvidiaSmi.IsRunning(fake.Pid()), "nvidia-smi still runs after the monitor was disposed");
    }
}
