using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// System metrics in the page of <c>gittrack ui</c> (Chromium, as in <see cref="UiBrowserTests"/>): the runs table's
/// column of running runs' CPU and GPU use, and the run view's own section of system charts.
/// </summary>
public sealed class UiSystemMetricsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [SkippableFact]
    public void The_table_shows_running_runs_cpu_use_and_the_run_view_charts_system_metrics_apart()
    {
        UiBrowserTests.SkipUnlessBrowserAvailable();
        var quick = new Dictionary<string, string> { ["GITTRACK_SYSTEM_SECONDS"] = "0.3", ["GITTRACK_CHECKPOINT_SECONDS"] = "0.5" };
        var done = GitTrackProcess.RunWith(_repo, quick, "run", "-n", "done", "--", "sh", "-c",
            "echo '{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5,\"step\":1}' >> \"$GITTRACK_EVENTS\"; sleep 1.5");
        Assert.True(done.ExitCode == 0, done.Stderr);
        using var live = GitTrackProcess.Start(_repo, quick, "run", "-n", "live", "--", "sh", "-c", "sleep 600");
        BackgroundProcess.WaitUntil(() =>
        {
            var shown = GitTrackProcess.Run(_repo, "show", "live", "--json");
            return shown.ExitCode == 0 && JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("metrics").TryGetProperty("system/cpu_utilization_percentage", out _);
        }, TimeSpan.FromSeconds(120), "the running run's first system sample");
        using var ui = new UiProcess(_repo);

        var s = UiBrowserTests.RunScript(ui, "system", new { running = "live", ended = "done" }).GetProperty("steps");

        Assert.Equal("cpu / gpu", s.GetProperty("systemHeader").GetString()!.Trim(' ', '▲', '▼'));
        Assert.Equal(0, s.GetProperty("systemMetricColumns").GetInt32());
        Assert.Matches(@"^cpu \d+%$", s.GetProperty("runningUse").GetString());
        Assert.Equal("", s.GetProperty("endedUse").GetString());
        Assert.Equal(["CPU", "memory", "disk and network"], s.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var systemCharts = s.GetProperty("systemCharts").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Contains(systemCharts, t => t.StartsWith("cpu_utilization_percentage", StringComparison.Ordinal));
        Assert.Contains(systemCharts, t => t.StartsWith("system_memory_usage_megabytes", StringComparison.Ordinal));
        Assert.Equal(["loss"], s.GetProperty("mainCharts").EnumerateArray().Select(t => t.GetString()!.Split(' ')[0]));
        Assert.DoesNotContain(s.GetProperty("metricRows").EnumerateArray(), t => t.GetString()!.StartsWith("system/", StringComparison.Ordinal));
    }
}
