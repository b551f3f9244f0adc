using GitTrack.Cli.Watch;

namespace GitTrack.Cli.Tests.Watch;

/// <summary>The dashboard's drawing parts on their own: the Braille chart, terminal-safe text, the keys.</summary>
public sealed class DashboardPartsTests
{
    [Fact]
    public void A_rising_line_runs_from_the_bottom_left_to_the_top_right_between_labelled_axes()
    {
        var points = Enumerable.Range(0, 101).Select(i => ((double)i, (double)i)).ToList();

        var lines = BrailleChart.Render(points, width: 40, height: 10, logScale: false, xName: "step");

        Assert.Equal(10, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= 40, l));
        Assert.StartsWith("100 ┤", lines[0].TrimStart(), StringComparison.Ordinal);
        Assert.StartsWith("0 ┤", lines[7].TrimStart(), StringComparison.Ordinal);
        Assert.Contains("└", lines[8], StringComparison.Ordinal);
        Assert.Matches(@"^\s+0\s+step\s+100$", lines[9]);
        var plot = lines[..8].Select(l => l[(l.IndexOfAny(['┤', '│']) + 1)..]).ToList();
        Assert.NotEqual(' ', plot[^1][0]); // the line starts at the bottom left
        Assert.Equal(35, plot[0].Length);  // and ends at the top right (40 less the labels and the axis)
        Assert.True(plot[0].TakeWhile(c => c == ' ').Count() > 17, plot[0]);
        Assert.All(string.Concat(plot).Where(c => c != ' '), c => Assert.InRange(c, '\u2801', '\u28FF'));
    }

    [Fact]
    public void A_log_scale_labels_real_values_and_skips_what_it_cannot_draw()
    {
        var points = new List<(double, double)> { (0, 1000), (1, 10), (2, 0), (3, double.NaN), (4, 0.1) };

        var lines = BrailleChart.Render(points, 40, 10, logScale: true, xName: "step");

        Assert.StartsWith("1000 ┤", lines[0].TrimStart(), StringComparison.Ordinal);
        Assert.StartsWith("0.1 ┤", lines[7].TrimStart(), StringComparison.Ordinal);
        Assert.Contains("no positive values for a log scale",
            string.Join('\n', BrailleChart.Render([(0, -1.0), (1, 0.0)], 40, 10, logScale: true, xName: "step")), StringComparison.Ordinal);
        Assert.Contains("no values yet", string.Join('\n', BrailleChart.Render([], 40, 10, false, "step")), StringComparison.Ordinal);
    }

    [Fact]
    public void Smoothing_follows_the_curve_without_lagging_at_the_start()
    {
        var curve = new Curve([(0, 10.0), (1, 0), (2, 0), (3, double.NaN)], "step");

        var smoothed = curve.Smoothed(0.6);

        Assert.Equal(10, smoothed[0].Y, 9); // debiased: the first point is itself
        Assert.InRange(smoothed[1].Y, 0.1, 9.9);
        Assert.True(smoothed[2].Y < smoothed[1].Y);
        Assert.True(double.IsNaN(smoothed[3].Y));
    }

    [Fact]
    public void Log_lines_show_what_a_terminal_would_and_carry_no_control_characters()
    {
        var log = "plain\nepoch 1 [##  ]\repoch 1 [####]\r\n\u001b[31mred\u001b[0m and \u001b]0;title\u0007osc\nbell\u0007 tab\there\n";

        var lines = TerminalText.LogLines(log, 10);

        Assert.Equal(["plain", "epoch 1 [####]", "red and osc", "bell tab        here"], lines);
        Assert.Equal(["red and osc", "bell tab        here"], TerminalText.LogLines(log, 2));
        Assert.Equal("a?b?c", TerminalText.Clean("a\u001bb\u009bc"));
    }

    [Fact]
    public void Cropping_counts_wide_characters_as_two_columns()
    {
        Assert.Equal(6, TerminalText.Width("損失ab"));
        Assert.Equal("損失", TerminalText.Crop("損失関数", 5));
        Assert.Equal("abc", TerminalText.Crop("abcdef", 3));
        Assert.Equal("⠉⠒", TerminalText.Crop("⠉⠒⠤", 2));
    }

    [Fact]
    public void Keys_move_between_runs_and_metrics_and_toggle_the_chart()
    {
        var state = new WatchState();
        string[] metrics = ["acc", "loss", "system/cpu_utilization_percentage"];
        static ConsoleKeyInfo Key(char c, ConsoleKey key = default, bool control = false) => new(c, key, false, false, control);

        Assert.Equal("acc", state.CurrentMetric(metrics));
        state.Apply(Key('\0', ConsoleKey.RightArrow), metrics, runCount: 3);
        Assert.Equal("loss", state.CurrentMetric(metrics));
        state.Apply(Key('h'), metrics, 3);
        state.Apply(Key('h'), metrics, 3);
        Assert.Equal("system/cpu_utilization_percentage", state.CurrentMetric(metrics)); // wraps around
        state.Apply(Key('j'), metrics, 3);
        state.Apply(Key('\0', ConsoleKey.DownArrow), metrics, 3);
        state.Apply(Key('j'), metrics, 3);
        Assert.Equal(2, state.Run); // stops at the last run
        state.Apply(Key('L'), metrics, 3);
        state.Apply(Key('s'), metrics, 3);
        state.Apply(Key('?'), metrics, 3);
        Assert.True(state.LogScale && state.Smooth && state.Help);
        Assert.False(state.Quit);
        state.Apply(Key('\u0003', ConsoleKey.C, control: true), metrics, 3);
        Assert.True(state.Quit);
    }
}
