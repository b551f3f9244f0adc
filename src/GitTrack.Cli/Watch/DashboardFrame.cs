using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using Spectre.Console;

namespace GitTrack.Cli.Watch;

/// <summary>One panel of the dashboard: its title, its lines (already fitted to its inner size) and its outer size.</summary>
internal sealed record DashboardPanel(string Title, List<StyledLine> Lines, int Width, int Height);

/// <summary>
/// One screenful of <c>gittrack watch</c>, laid out for a terminal of a given size: a header line, the runs (one
/// line each: status, elapsed time, step, a sparkline of the chart metric, latest values), the selected run's chart
/// and system panel side by side, and its log tail below. The interactive screen draws it with Spectre.Console;
/// the plain snapshot prints its text.
/// </summary>
internal sealed class DashboardFrame
{
    // Panels have a border on each side and one column of padding inside it.
    private const int FrameWidth = 4, FrameHeight = 2;

    public required StyledLine Header { get; init; }
    public required DashboardPanel Runs { get; init; }
    public required DashboardPanel Chart { get; init; }
    public required DashboardPanel System { get; init; }
    public required DashboardPanel Log { get; init; }

    public static DashboardFrame Build(WatchModel model, WatchState state, Func<IReadOnlyDictionary<string, double>> machine,
        int width, int height, DateTimeOffset now)
    {
        width = Math.Max(40, width);
        height = Math.Max(12, height);
        var runs = model.Runs;
        state.Run = runs.Count == 0 ? 0 : Math.Clamp(state.Run, 0, runs.Count - 1);
        var selected = runs.Count > 0 ? runs[state.Run] : null;
        // The chart and the sparklines show one metric, chosen among the selected run's.
        var metrics = selected?.Metrics ?? [];
        var metric = state.CurrentMetric(metrics);

        var maxRows = Math.Max(1, (height - 1) / 6);
        var runsHeight = Math.Clamp(runs.Count, 1, maxRows) + FrameHeight;
        var rest = height - 1 - runsHeight;
        var middleHeight = Math.Max(6, (int)Math.Round(rest * 0.6));
        var logHeight = rest - middleHeight;
        var systemWidth = width >= 120 ? 46 : Math.Max(30, width * 2 / 5);
        var chartWidth = width - systemWidth;

        var running = runs.Count(r => r.Summary.Status == RunStatus.Running);
        var header = StyledLine.Of(" gittrack watch", Style.Parse("bold"))
            .Add($"  {runs.Count} run{(runs.Count == 1 ? "" : "s")}, {running} running  ·  {now.ToLocalTime():HH:mm:ss}  ·  ? keys  q quit", Style.Parse("grey"));

        var runLines = RunLines(runs, state.Run, metric, width - FrameWidth, runsHeight - FrameHeight, now, model.Chosen);

        List<StyledLine> chartLines;
        string chartTitle;
        if (state.Help)
        {
            chartTitle = "keys";
            chartLines = WatchState.Keys.Select(k => StyledLine.Of(k.Keys.PadRight(12), Style.Parse("bold")).Add(k.What)).ToList();
        }
        else if (selected is not null && metric is not null)
        {
            var index = metrics.ToList().IndexOf(metric);
            chartTitle = $"{TerminalText.Clean(selected.Summary.Name)} · {TerminalText.Clean(metric)} ({index + 1}/{metrics.Count})"
                + (state.LogScale ? " · log" : "") + (state.Smooth ? " · smoothed" : "");
            if (selected.Series.TryGetValue(metric, out var curve))
            {
                var points = state.Smooth ? curve.Smoothed(WatchState.SmoothingWeight) : curve.Points;
                chartLines = BrailleChart.Render(points, chartWidth - FrameWidth, middleHeight - FrameHeight, state.LogScale, curve.XName)
                    .Select(l => StyledLine.Of(l, Style.Parse("cyan"))).ToList();
            }
            else
                chartLines = [StyledLine.Of($"{TerminalText.Clean(selected.Summary.Name)} has not logged {TerminalText.Clean(metric)}", Style.Parse("grey"))];
        }
        else
        {
            chartTitle = "chart";
            chartLines = [StyledLine.Of(selected is null ? "" : "no metrics yet", Style.Parse("grey"))];
        }

        var runValues = selected?.SystemValues() ?? [];
        var fromRun = runValues.Count > 0;
        var systemValues = fromRun ? runValues : machine();
        var systemTitle = fromRun
            ? $"system · {TerminalText.Clean(selected!.Summary.Name)}" + (selected.SystemSampledAt is { } at ? $" · at {Formats.Duration(TimeSpan.FromSeconds(at))}" : "")
            : $"system · this machine · {now.ToLocalTime():HH:mm:ss}";
        var systemLines = SystemPanel.Render(systemValues, systemWidth - FrameWidth, middleHeight - FrameHeight);

        var logLines = new List<StyledLine>();
        var logTitle = "log";
        if (selected is not null && logHeight > FrameHeight)
        {
            logTitle = $"log · {TerminalText.Clean(selected.Summary.Name)}";
            var tail = model.LogTail(selected, logHeight - FrameHeight);
            if (tail is null)
                logLines.Add(StyledLine.Of("(the log is not on this machine)", Style.Parse("grey")));
            else
                logLines.AddRange(tail.Select(l => StyledLine.Of(l)));
        }

        return new DashboardFrame
        {
            Header = header,
            Runs = new DashboardPanel(model.Chosen ? "runs" : "running runs", runLines, width, runsHeight),
            Chart = new DashboardPanel(chartTitle, chartLines, chartWidth, middleHeight),
            System = new DashboardPanel(systemTitle, systemLines, systemWidth, middleHeight),
            Log = new DashboardPanel(logTitle, logLines, width, logHeight),
        };
    }

    private static List<StyledLine> RunLines(IReadOnlyList<WatchedRun> runs, int selected, string? metric, int width, int rows, DateTimeOffset now, bool chosen)
    {
        if (runs.Count == 0)
            return [StyledLine.Of(chosen ? "no runs match" : "no run is running; one started now appears here (gittrack run -- ...)", Style.Parse("grey"))];
        // A window of rows that keeps the selected run in view.
        var first = Math.Clamp(selected - rows / 2, 0, Math.Max(0, runs.Count - rows));
        var nameWidth = Math.Clamp(runs.Max(r => r.Summary.Name.Length), 4, width >= 120 ? 24 : 14);
        var sparkWidth = width >= 120 ? 16 : 8;
        var lines = new List<StyledLine>();
        for (var i = first; i < Math.Min(runs.Count, first + rows); i++)
        {
            var run = runs[i];
            var summary = run.Summary;
            var line = new StyledLine();
            line.Add(i == selected ? "› " : "  ", Style.Parse("bold yellow"));
            line.Add(Fit(TerminalText.Clean(summary.Name), nameWidth) + " ", i == selected ? Style.Parse("bold") : Style.Plain);
            line.Add(Formats.Status(summary.Status).PadRight(10), StatusStyle(summary.Status));
            line.Add(Formats.Duration(run.Elapsed(now)).PadLeft(7) + " ");
            line.Add((run.Step is { } step ? $"step {step}" : "").PadRight(11), Style.Parse("grey"));
            if (metric is not null && run.Series.TryGetValue(metric, out var curve))
                line.Add(Sparkline.Of(curve.Values, sparkWidth).PadRight(sparkWidth) + " ", Style.Parse("cyan"));
            else
                line.Add(new string(' ', sparkWidth + 1));
            // Latest values: the chart's metric first, then the run's other own metrics, while they fit.
            var used = 2 + nameWidth + 1 + 10 + 8 + 11 + sparkWidth + 1;
            var names = summary.Metrics.Keys.Where(k => !Core.Runs.SystemMetrics.SystemMetricNames.IsSystem(k)).Order(StringComparer.Ordinal).ToList();
            if (metric is not null && summary.Metrics.ContainsKey(metric))
            {
                names.Remove(metric);
                names.Insert(0, metric);
            }
            foreach (var name in names)
            {
                var text = $"{TerminalText.Clean(name)} {Formats.Number(summary.Metrics[name])}  ";
                if (used + text.Length > width)
                    break;
                line.Add(text, name == metric ? Style.Parse("bold") : Style.Plain);
                used += text.Length;
            }
            lines.Add(line);
        }
        return lines;
    }

    private static string Fit(string text, int width) => text.Length > width ? text[..(width - 1)] + "…" : text.PadRight(width);

    private static Style StatusStyle(RunStatus status) => Style.Parse(status switch
    {
        RunStatus.Running => "blue",
        RunStatus.Completed => "green",
        RunStatus.Failed => "red",
        RunStatus.Killed => "yellow",
        _ => "magenta",
    });
}
