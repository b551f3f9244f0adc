using System.Text.RegularExpressions;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Watch;

/// <summary>
/// <c>gittrack watch</c> in a real terminal (tmux) beside real runs that log a metric every 200 ms: what a person
/// would see on the screen, read with <c>tmux capture-pane</c>. Every wait polls with a generous deadline.
/// </summary>
public sealed partial class WatchDashboardTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempGitRepo _repo = new();
    private readonly List<IDisposable> _cleanup = [];

    public WatchDashboardTests()
    {
        // Logs loss = i + 0.5 at step i every 200 ms and prints a line, for up to 10 minutes.
        _repo.WriteFile("loop.sh", """
            #!/bin/sh
            i=0
            while [ $i -lt 3000 ]; do
              echo "{\"type\":\"metric\",\"name\":\"loss\",\"value\":$i.5,\"step\":$i}" >> "$GITTRACK_EVENTS"
              echo "tick $i"
              i=$((i+1))
              sleep 0.2
            done
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add loop.sh");
    }

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
            item.Dispose();
        _repo.Dispose();
    }

    private static readonly Dictionary<string, string> Quick = new()
    {
        ["GITTRACK_SYSTEM_SECONDS"] = "1",
        ["GITTRACK_CHECKPOINT_SECONDS"] = "0.5",
    };

    private void StartRun(string name)
    {
        var run = GitTrackProcess.Start(_repo, Quick, "run", "-n", name, "--", "sh", "loop.sh");
        _cleanup.Add(run);
    }

    private TmuxSession StartWatch(int width, int height)
    {
        var tmux = TmuxSession.Start(_repo.Root, _repo.Environment, width, height, [.. GitTrackProcess.CommandLine, "watch", "--refresh", "0.5"]);
        _cleanup.Add(tmux);
        return tmux;
    }

    private static string Screen(string[] lines) => string.Join('\n', lines);

    [GeneratedRegex(@"loss (\d+\.5)")]
    private static partial Regex LossValue();

    [GeneratedRegex(@"system · first · at (\S+)")]
    private static partial Regex SystemSample();

    [SkippableTheory]
    [InlineData(80, 24, 160, 48, "q")]
    [InlineData(160, 48, 80, 24, "C-c")]
    public void The_dashboard_follows_runs_redraws_on_resize_and_restores_the_terminal(int width, int height, int newWidth, int newHeight, string quit)
    {
        Requirement.That(TmuxSession.Available, "tmux is not installed (.ci/run installs it)");
        StartRun("first");
        var tmux = StartWatch(width, height);

        // The run, its changing loss, and the system panel fed by the run's own samples.
        var screen = tmux.WaitForScreen(s => Screen(s).Contains("first", StringComparison.Ordinal) && LossValue().IsMatch(Screen(s))
            && SystemSample().IsMatch(Screen(s)) && Screen(s).Contains("CPU", StringComparison.Ordinal), Patience, "the run, its loss and its system panel");
        Assert.Contains("running", Screen(screen), StringComparison.Ordinal);
        Assert.Contains("tick ", Screen(screen), StringComparison.Ordinal); // the log tail
        Assert.Equal(height, screen.Length);
        var loss = LossValue().Match(Screen(screen)).Groups[1].Value;
        var sample = SystemSample().Match(Screen(screen)).Groups[1].Value;
        tmux.WaitForScreen(s => LossValue().Match(Screen(s)) is { Success: true } m && m.Groups[1].Value != loss, Patience, $"loss to change from {loss}");
        tmux.WaitForScreen(s => SystemSample().Match(Screen(s)) is { Success: true } m && m.Groups[1].Value != sample, Patience,
            $"a newer system sample than the one at {sample}");

        // A run started in another terminal appears by itself.
        StartRun("second");
        tmux.WaitForScreen(s => Screen(s).Contains("second", StringComparison.Ordinal), Patience, "the second run");

        // Drawn again to the new size: the runs panel's top border spans the new width, the log panel ends on the last row.
        Assert.Equal(width, screen[1].Length);
        tmux.Resize(newWidth, newHeight);
        screen = tmux.WaitForScreen(s => s.Length == newHeight && s[1].StartsWith('╭') && s[1].EndsWith('╮') && s[1].Length == newWidth
            && s[^1].StartsWith('╰') && s[^1].Length == newWidth, Patience, $"a redraw at {newWidth}x{newHeight}");
        Assert.Contains("first", Screen(screen), StringComparison.Ordinal);
        Assert.Contains("second", Screen(screen), StringComparison.Ordinal);

        Assert.Equal("1", tmux.Display("#{alternate_on}"));
        tmux.SendKeys(quit);
        BackgroundProcess.WaitUntil(() => tmux.ExitCode is not null, Patience, "watch to exit");
        Assert.Equal(0, tmux.ExitCode);
        // The screen from before is back: alternate screen left, cursor shown, no dashboard left over.
        Assert.Equal("0", tmux.Display("#{alternate_on}"));
        Assert.Equal("1", tmux.Display("#{cursor_flag}"));
        Assert.DoesNotContain("running runs", Screen(tmux.Capture()), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Keys_switch_the_chart_metric_and_list_themselves()
    {
        Requirement.That(TmuxSession.Available, "tmux is not installed (.ci/run installs it)");
        StartRun("first");
        var tmux = StartWatch(100, 30);
        // Once the system samples are in there is more than one metric to move to.
        tmux.WaitForScreen(s => Regex.IsMatch(Screen(s), @"first · loss \(1/([2-9]|\d\d+)\)"), Patience, "the loss chart, one of several metrics");

        tmux.SendKeys("Right");
        tmux.WaitForScreen(s => Regex.IsMatch(Screen(s), @"first · system/\S+ \(2/"), Patience, "the next metric's chart");
        tmux.SendKeys("L");
        tmux.WaitForScreen(s => Screen(s).Contains(" · log", StringComparison.Ordinal), Patience, "the log scale marked");
        tmux.SendKeys("?");
        tmux.WaitForScreen(s => Screen(s).Contains("log scale on / off", StringComparison.Ordinal), Patience, "the key list");
        tmux.SendKeys("q");
        BackgroundProcess.WaitUntil(() => tmux.ExitCode is not null, Patience, "watch to exit");
        Assert.Equal(0, tmux.ExitCode);
    }
}
