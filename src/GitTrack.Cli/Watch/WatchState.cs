namespace GitTrack.Cli.Watch;

/// <summary>What the keys change on the dashboard: the selected run and chart metric, log scale, smoothing, the key list.</summary>
internal sealed class WatchState
{
    /// <summary>The weight of the exponential moving average when smoothing is on (TensorBoard's default).</summary>
    public const double SmoothingWeight = 0.6;

    public int Run { get; set; }
    /// <summary>The chart's metric, by name, so it stays when the list of metrics grows; null: the first.</summary>
    public string? Metric { get; set; }
    public bool LogScale { get; set; }
    public bool Smooth { get; set; }
    public bool Help { get; set; }
    public bool Quit { get; set; }

    /// <summary>The keys and what they do, as <c>?</c> lists them.</summary>
    public static readonly IReadOnlyList<(string Keys, string What)> Keys =
    [
        ("↑ ↓  k j", "select the previous / next run"),
        ("← →  h l", "chart the previous / next metric"),
        ("tab", "chart the next metric (same as →)"),
        ("L", "log scale on / off"),
        ("s", "smoothing on / off (moving average, weight 0.6)"),
        ("r", "read the runs again now"),
        ("?", "show / hide this list"),
        ("q  Ctrl-C", "quit"),
    ];

    /// <summary>Applies one key; true when the screen should be drawn again.</summary>
    public bool Apply(ConsoleKeyInfo key, IReadOnlyList<string> metrics, int runCount)
    {
        if (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control) || key.KeyChar is 'q' or 'Q' or '\u0003')
        {
            Quit = true;
            return true;
        }
        if (Help && key.Key == ConsoleKey.Escape)
        {
            Help = false;
            return true;
        }
        switch (key.Key)
        {
            case ConsoleKey.UpArrow:
                return MoveRun(-1, runCount);
            case ConsoleKey.DownArrow:
                return MoveRun(1, runCount);
            case ConsoleKey.LeftArrow:
                return MoveMetric(-1, metrics);
            case ConsoleKey.RightArrow:
            case ConsoleKey.Tab:
                return MoveMetric(1, metrics);
        }
        switch (key.KeyChar)
        {
            case 'k': return MoveRun(-1, runCount);
            case 'j': return MoveRun(1, runCount);
            case 'h': return MoveMetric(-1, metrics);
            case 'l': return MoveMetric(1, metrics);
            case 'L': LogScale = !LogScale; return true;
            case 's': Smooth = !Smooth; return true;
            case '?': Help = !Help; return true;
            case 'r': return true;
        }
        return false;
    }

    /// <summary>The chart's metric among <paramref name="metrics"/>: the chosen one while it exists, else the first.</summary>
    public string? CurrentMetric(IReadOnlyList<string> metrics) =>
        Metric is not null && metrics.Contains(Metric) ? Metric : metrics.Count > 0 ? metrics[0] : null;

    private bool MoveRun(int by, int runCount)
    {
        if (runCount == 0)
            return false;
        Run = Math.Clamp(Run + by, 0, runCount - 1);
        return true;
    }

    private bool MoveMetric(int by, IReadOnlyList<string> metrics)
    {
        if (metrics.Count == 0)
            return false;
        var current = CurrentMetric(metrics);
        var index = current is null ? 0 : IndexOf(metrics, current);
        Metric = metrics[((index + by) % metrics.Count + metrics.Count) % metrics.Count];
        return true;
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == item)
                return i;
        return 0;
    }
}
