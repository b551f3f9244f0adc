using GitTrack.Core.Runs;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Cli.Watch;

/// <summary>One run on the dashboard: its summary (status, last values) and each metric's curve, ready to draw.</summary>
internal sealed class WatchedRun
{
    public WatchedRun(RunSummary summary, IReadOnlyList<MetricPoint> history)
    {
        Summary = summary;
        var byName = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
        foreach (var point in history)
        {
            if (!byName.TryGetValue(point.Name, out var points))
                byName[point.Name] = points = [];
            points.Add(point);
        }
        foreach (var (name, points) in byName)
        {
            var curve = Series[name] = Curve.Of(points, summary.StartedAt);
            if (SystemMetricNames.IsSystem(name) && curve.XName == "seconds" && curve.Points.Count > 0)
                SystemSampledAt = Math.Max(SystemSampledAt ?? 0, curve.Points[^1].X);
            else if (!SystemMetricNames.IsSystem(name))
                foreach (var point in points)
                    if (point.Step is { } step && (Step is null || step > Step))
                        Step = step;
        }
    }

    public RunSummary Summary { get; set; }

    /// <summary>The metrics it logged, its own first, then system metrics, each sorted: what its chart can show.</summary>
    public IReadOnlyList<string> Metrics => [.. Series.Keys.Where(n => !SystemMetricNames.IsSystem(n)).Order(StringComparer.Ordinal),
        .. Series.Keys.Where(SystemMetricNames.IsSystem).Order(StringComparer.Ordinal)];

    /// <summary>Each metric's curve by name.</summary>
    public Dictionary<string, Curve> Series { get; } = new(StringComparer.Ordinal);

    /// <summary>The highest step any of its own (not system) metrics was logged at, or null.</summary>
    public long? Step { get; }

    /// <summary>When its latest system sample was taken, in seconds since it started; null without system metrics.</summary>
    public double? SystemSampledAt { get; }

    /// <summary>Running: time since it started; ended: how long it ran.</summary>
    public TimeSpan Elapsed(DateTimeOffset now) => Summary.Duration ?? now - Summary.StartedAt;

    /// <summary>The latest system metrics (<c>system/...</c>) of the run, by name.</summary>
    public Dictionary<string, double> SystemValues() =>
        Summary.Metrics.Where(m => SystemMetricNames.IsSystem(m.Key)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
}

/// <summary>
/// One metric's points in drawing order and what its x axis measures: the step when every point has one, else
/// seconds since the run started (system metrics), else the point's position.
/// </summary>
internal sealed record Curve(IReadOnlyList<(double X, double Y)> Points, string XName)
{
    public static Curve Of(IReadOnlyList<MetricPoint> points, DateTimeOffset startedAt)
    {
        if (points.All(p => p.Step is not null))
            return new Curve(points.Select(p => ((double)p.Step!.Value, p.Value)).OrderBy(p => p.Item1).ToList(), "step");
        if (points.All(p => p.Timestamp is not null))
            return new Curve(points.Select(p => ((p.Timestamp!.Value - startedAt).TotalSeconds, p.Value)).OrderBy(p => p.Item1).ToList(), "seconds");
        return new Curve(points.Select((p, i) => ((double)i, p.Value)).ToList(), "point");
    }

    /// <summary>The points' values, in order.</summary>
    public IReadOnlyList<double> Values => Points.Select(p => p.Y).ToList();

    /// <summary>
    /// The curve smoothed with an exponential moving average (TensorBoard's, with its start-up bias corrected);
    /// non-finite values pass through unsmoothed.
    /// </summary>
    public IReadOnlyList<(double X, double Y)> Smoothed(double weight)
    {
        var result = new List<(double, double)>(Points.Count);
        double average = 0, debias = 0;
        foreach (var (x, y) in Points)
        {
            if (!double.IsFinite(y))
            {
                result.Add((x, y));
                continue;
            }
            average = average * weight + (1 - weight) * y;
            debias = debias * weight + (1 - weight);
            result.Add((x, average / debias));
        }
        return result;
    }
}
