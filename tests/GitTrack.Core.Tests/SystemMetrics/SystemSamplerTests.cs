using GitTrack.Tests.Shared;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Tests.SystemMetrics;

public sealed class SystemSamplerTests
{
    [Fact]
    public void A_zero_interval_turns_sampling_off()
    {
        Assert.Null(SystemSampler.Start(TimeSpan.Zero, Environment.ProcessId, _ => { }));
    }

    [SkippableFact]
    public async Task Samples_reach_the_sink_every_interval_with_the_gpus_until_stopped()
    {
        Requirement.That(OperatingSystem.IsLinux(), "reads /proc");
        using var fake = FakeNvidiaSmi.Create("h100x4.txt");
        var batches = new List<IReadOnlyList<MetricPoint>>();
        var sampler = SystemSampler.Start(TimeSpan.FromMilliseconds(100), Environment.ProcessId, points => { lock (batches) batches.Add(points); },
            nvidiaSmi: fake.Path)!;
        int Count() { lock (batches) return batches.Count; }
        bool HasGpus() { lock (batches) return batches.Any(b => b.Any(p => p.Name == "system/gpu_3_power_usage_watts")); }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((Count() < 3 || !HasGpus()) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await sampler.StopAsync();
        var afterStop = Count();

        Assert.True(afterStop >= 3, $"only {afterStop} samples");
        Assert.True(HasGpus(), "no GPU metrics from nvidia-smi");
        IReadOnlyList<MetricPoint> last;
        lock (batches)
            last = batches[^1];
        var names = last.Select(p => p.Name).ToHashSet();
        Assert.Contains("system/cpu_utilization_percentage", names);
        Assert.Contains("system/process_memory_rss_megabytes", names);
        Assert.Contains("system/system_memory_usage_megabytes", names);
        Assert.All(last, p =>
        {
            Assert.StartsWith("system/", p.Name, StringComparison.Ordinal);
            Assert.Null(p.Step);
            Assert.NotNull(p.Timestamp);
            Assert.True(double.IsFinite(p.Value));
        });
        Assert.Equal(afterStop, sampler.Samples);
        await Task.Delay(400);
        Assert.Equal(afterStop, Count());
        Assert.False(FakeNvidiaSmi.IsRunning(fake.Pid()), "nvidia-smi still runs after the sampler stopped");
    }

    [SkippableFact]
    public async Task A_sink_that_throws_costs_its_samples_only()
    {
        Requirement.That(OperatingSystem.IsLinux(), "reads /proc");
        var calls = 0;
        var sampler = SystemSampler.Start(TimeSpan.FromMilliseconds(50), rootPid: null, _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("the run ended");
        }, nvidiaSmi: "/nonexistent/nvidia-smi")!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Volatile.Read(ref calls) < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await sampler.DisposeAsync();
        Assert.True(calls >= 3, "the sampler stopped after a failing sink");
    }
}
