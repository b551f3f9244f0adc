using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Tests.SystemMetrics;

public sealed class GpuQueryTests
{
    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "nvidia-smi", name));

    [Fact]
    public void Whole_seconds_loop_with_l_and_shorter_intervals_with_lms()
    {
        Assert.Equal(["--query-gpu=" + GpuQuery.Fields, "--format=csv,noheader,nounits", "-l", "10"], GpuQuery.Arguments(TimeSpan.FromSeconds(10)));
        Assert.Equal(["-lms", "250"], GpuQuery.Arguments(TimeSpan.FromMilliseconds(250)).TakeLast(2));
        Assert.Equal(["-lms", "1500"], GpuQuery.Arguments(TimeSpan.FromSeconds(1.5)).TakeLast(2));
    }

    [Fact]
    public void A_four_gpu_node_gives_every_gpu_of_every_interval()
    {
        var samples = Fixture("h100x4.txt").Split('\n').Select(GpuQuery.ParseLine).OfType<GpuSample>().ToList();
        Assert.Equal(12, samples.Count);
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], samples.Select(s => s.Index));
        Assert.Equal(new GpuSample(2, 100, 61252, 81559, 68, 652.06, 700), samples[6]);
    }

    [Fact]
    public void A_sample_becomes_metrics_with_mlflow_names_in_megabytes()
    {
        var sample = GpuQuery.ParseLine("0, 97, 61244, 81559, 64, 612.37, 700.00")!;
        var metrics = sample.Metrics().ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(97, metrics["system/gpu_0_utilization_percentage"]);
        Assert.Equal(64219.0, metrics["system/gpu_0_memory_usage_megabytes"]); // 61244 MiB = 64,218,988,544 bytes
        Assert.Equal(75.1, metrics["system/gpu_0_memory_usage_percentage"]);
        Assert.Equal(64, metrics["system/gpu_0_temperature_celsius"]);
        Assert.Equal(612.37, metrics["system/gpu_0_power_usage_watts"]);
        Assert.Equal(87.5, metrics["system/gpu_0_power_usage_percentage"]);
        Assert.Equal(6, metrics.Count);
    }

    [Fact]
    public void Unavailable_fields_leave_their_metrics_out()
    {
        var samples = Fixture("unavailable.txt").Split('\n').Select(GpuQuery.ParseLine).OfType<GpuSample>().ToList();
        Assert.Equal(new GpuSample(0, 43, 10240, 40960, null, null, null), samples[0]);
        Assert.Equal(new GpuSample(1, null, 2301, 15360, 41, 27.84, 70), samples[1]);
        Assert.Equal(["system/gpu_0_memory_usage_megabytes", "system/gpu_0_memory_usage_percentage", "system/gpu_0_utilization_percentage"],
            samples[0].Metrics().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(samples[1].Metrics(), m => m.Name.EndsWith("utilization_percentage", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("index, utilization.gpu [%], memory.used [MiB], memory.total [MiB], temperature.gpu, power.draw [W], power.limit [W]")]
    [InlineData("Unable to determine the device handle for GPU0000:41:00.0: GPU is lost.  Reboot the system to recover this GPU")]
    [InlineData("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.")]
    [InlineData("No devices were found")]
    [InlineData("0, 97, 61244, 81559, 64, 612.37")]
    [InlineData("0, 97 %, 61244 MiB, 81559 MiB, 64, 612.37 W, 700.00 W")]
    public void Lines_that_are_not_a_gpu_of_this_query_are_skipped(string line)
    {
        Assert.Null(GpuQuery.ParseLine(line));
    }
}
