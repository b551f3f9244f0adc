using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The system metrics <c>gittrack run</c> records beside the command (GITTRACK_SYSTEM_SECONDS), through the real
/// process: what lands on the runs branch, that they filter and export like any metric, that listings keep them
/// out of the default columns, and that a GPU machine's nvidia-smi output (a stand-in replaying recorded output)
/// becomes per-GPU metrics.
/// </summary>
public sealed class SystemMetricsRecordingTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static readonly Dictionary<string, string> Fast = new() { ["GITTRACK_SYSTEM_SECONDS"] = "0.2" };

    private ProcessResult Record(string name, IReadOnlyDictionary<string, string> environment, string seconds = "1.5") =>
        GitTrackProcess.RunWith(_repo, environment, "run", "-n", name, "--", "sh", "-c",
            $"echo '{{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5,\"step\":1}}' >> \"$GITTRACK_EVENTS\"; sleep {seconds}");

    [Fact]
    public void A_run_records_cpu_memory_disk_and_network_under_system()
    {
        var result = Record("sampled", Fast);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var id = RunsOnBranch.SingleId(_repo);
        var metrics = RunsOnBranch.Manifest(_repo, id).GetProperty("metrics");
        var names = metrics.EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var expected in new[]
        {
            "loss", "system/cpu_utilization_percentage", "system/cpu_0_utilization_percentage", "system/process_cpu_percentage",
            "system/system_memory_usage_megabytes", "system/system_memory_usage_percentage", "system/process_memory_rss_megabytes",
            "system/network_receive_megabytes_per_second", "system/network_transmit_megabytes_per_second",
        })
            Assert.Contains(expected, names);
        Assert.InRange(metrics.GetProperty("system/cpu_utilization_percentage").GetDouble(), 0, 100);
        Assert.True(metrics.GetProperty("system/system_memory_usage_megabytes").GetDouble() > 0);
        // One point per sample, stepless and timestamped, several over a second and a half.
        var cpu = RunsOnBranch.History(_repo, id).Where(p => p.Name == "system/cpu_utilization_percentage").ToList();
        Assert.True(cpu.Count >= 2, $"{cpu.Count} CPU samples");
        Assert.All(cpu, p => Assert.Null(p.Step));
        Assert.All(cpu, p => Assert.NotNull(p.Timestamp));
    }

    [Fact]
    public void Zero_seconds_turns_system_metrics_off()
    {
        var result = Record("quiet", new Dictionary<string, string> { ["GITTRACK_SYSTEM_SECONDS"] = "0" }, seconds: "0.6");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var metrics = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("metrics");
        Assert.Equal(["loss"], metrics.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("-1")]
    [InlineData("1e9")]
    public void A_bad_interval_is_a_usage_error_before_anything_runs(string value)
    {
        var result = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["GITTRACK_SYSTEM_SECONDS"] = value }, "run", "--", "true");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GITTRACK_SYSTEM_SECONDS", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }

    [SkippableFact]
    public void Gpus_are_read_from_one_nvidia_smi_for_the_whole_run()
    {
        Requirement.That(!OperatingSystem.IsWindows(), "a shell script stands in for nvidia-smi");
        var bin = Directory.CreateTempSubdirectory("gittrack-bin-").FullName;
        try
        {
            // Replays two GPUs of a recorded nvidia-smi loop; counts how often it is started.
            File.WriteAllText(Path.Combine(bin, "nvidia-smi"), $"""
                #!/bin/sh
                echo started >> '{bin}/starts'
                case "$1" in --query-gpu=index,*) ;; *) exit 6 ;; esac
                while :; do
                  echo '0, 97, 61244, 81559, 64, 612.37, 700.00'
                  echo '1, [N/A], 1024, 81559, 40, [N/A], [N/A]'
                  sleep 0.2
                done
                """.Replace("\r", "", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(Path.Combine(bin, "nvidia-smi"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var environment = new Dictionary<string, string>(Fast) { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };

            var result = Record("gpu", environment);

            Assert.True(result.ExitCode == 0, result.Stderr);
            var metrics = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("metrics");
            Assert.Equal(97, metrics.GetProperty("system/gpu_0_utilization_percentage").GetDouble());
            Assert.Equal(64219.0, metrics.GetProperty("system/gpu_0_memory_usage_megabytes").GetDouble());
            Assert.Equal(612.37, metrics.GetProperty("system/gpu_0_power_usage_watts").GetDouble());
            Assert.Equal(1073.7, metrics.GetProperty("system/gpu_1_memory_usage_megabytes").GetDouble());
            Assert.False(metrics.TryGetProperty("system/gpu_1_utilization_percentage", out _), "an [N/A] field became a value");
            // The host probe runs nvidia-smi once too (its own query); the sampler adds exactly one long-lived process.
            var starts = File.ReadAllLines(Path.Combine(bin, "starts")).Length;
            Assert.Equal(2, starts);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public void Listings_leave_system_metrics_out_of_their_default_columns_but_filter_and_export_them()
    {
        Assert.Equal(0, Record("one", Fast, seconds: "0.8").ExitCode);
        Assert.Equal(0, GitTrackProcess.RunWith(_repo, Fast, "run", "-n", "two", "--", "sh", "-c",
            "echo '{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.25,\"step\":1}' >> \"$GITTRACK_EVENTS\"; sleep 0.8").ExitCode);

        var ls = GitTrackProcess.Run(_repo, "ls");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        Assert.Contains("loss", ls.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("system/", ls.Stdout, StringComparison.Ordinal);

        var filtered = GitTrackProcess.Run(_repo, "ls", "--filter", "metrics.\"system/system_memory_usage_megabytes\" > 0", "--columns", "name,metrics.\"system/system_memory_usage_megabytes\"");
        Assert.True(filtered.ExitCode == 0, filtered.Stderr);
        Assert.Contains("one", filtered.Stdout, StringComparison.Ordinal);
        Assert.Contains("two", filtered.Stdout, StringComparison.Ordinal);
        Assert.Contains("system/system_memory_usage_megabytes", filtered.Stdout, StringComparison.Ordinal);

        var history = GitTrackProcess.Run(_repo, "export", "--format", "csv", "--history");
        Assert.True(history.ExitCode == 0, history.Stderr);
        Assert.Contains("system/cpu_utilization_percentage", history.Stdout, StringComparison.Ordinal);

        // compare: the differing metric first, system metrics after everything else.
        var compare = GitTrackProcess.Run(_repo, "compare", "one", "two", "--csv");
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        var fields = compare.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0].Trim('"')).ToList();
        var loss = fields.IndexOf("metrics.loss");
        var firstSystem = fields.FindIndex(f => f.Contains("system/", StringComparison.Ordinal));
        Assert.True(loss >= 0 && firstSystem > loss, string.Join(" ", fields));
        Assert.All(fields.Skip(firstSystem), f => Assert.Contains("system/", f, StringComparison.Ordinal));
    }
}
