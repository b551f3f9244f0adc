using GitTrack.Core.Runs;

namespace GitTrack.Web.Charts;

/// <summary>
/// One metric of one run ready to draw: x (the step, or seconds since the run started) and y, ordered by x,
/// downsampled to a chart's worth of points; <see cref="Count"/> is how many points were logged.
/// </summary>
internal sealed record MetricSeries(string Name, double[] X, double[] Y, int Count)
{
    /// <summary>How the x axis is measured.</summary>
    public enum Axis { Step, Time }

    /// <summary>
    /// Groups a run's history by metric. On the step axis a point logged without a step takes its position in the
    /// metric's history; on the time axis a point without a timestamp is left out.
    /// </summary>
    public static IReadOnlyList<MetricSeries> Of(IReadOnlyList<MetricPoint> history, DateTimeOffset startedAt, Axis axis, int maxPoints)
    {
        var byName = new Dictionary<string, (List<double> X, List<double> Y)>(StringComparer.Ordinal);
        // The decoder shares one name string per metric and segment: skip the dictionary while the name repeats.
        string? lastName = null;
        (List<double> X, List<double> Y) series = ([], []);
        foreach (var point in history)
        {
            if (!ReferenceEquals(point.Name, lastName))
            {
                if (!byName.TryGetValue(point.Name, out series))
                    byName[point.Name] = series = ([], []);
                lastName = point.Name;
            }
            double x;
            if (axis == Axis.Step)
                x = point.Step ?? series.X.Count;
            else if (point.Timestamp is { } time)
                x = (time - startedAt).TotalSeconds;
            else
                continue;
            series.X.Add(x);
            series.Y.Add(point.Value);
        }
        var result = new List<MetricSeries>(byName.Count);
        foreach (var (name, (xs, ys)) in byName.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var x = xs.ToArray();
            var y = ys.ToArray();
            xs.Clear();
            ys.Clear();
            if (!IsSorted(x))
                // A stable sort: points logged at the same step keep their logging order.
                Sort(ref x, ref y);
            var keep = Downsampler.Select(y, maxPoints);
            if (keep.Length == x.Length)
            {
                result.Add(new MetricSeries(name, x, y, x.Length));
                continue;
            }
            var dx = new double[keep.Length];
            var dy = new double[keep.Length];
            for (var i = 0; i < keep.Length; i++)
            {
                dx[i] = x[keep[i]];
                dy[i] = y[keep[i]];
            }
            result.Add(new MetricSeries(name, dx, dy, x.Length));
        }
        return result;
    }

    private static bool IsSorted(double[] x)
    {
        for (var i = 1; i < x.Length; i++)
            if (x[i] < x[i - 1])
                return false;
        return true;
    }

    private static void Sort(ref double[] x, ref double[] y)
    {
        var order = Enumerable.Range(0, x.Length).ToArray();
        var keys = x;
        order = order.OrderBy(i => keys[i]).ToArray();
        var sx = new double[x.Length];
        var sy = new double[y.Length];
        for (var i = 0; i < order.Length; i++)
        {
            sx[i] = x[order[i]];
            sy[i] = y[order[i]];
        }
        x = sx;
        y = sy;
    }
}
