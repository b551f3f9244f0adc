namespace GitTrack.Core.Runs;

/// <summary>A metric's history in four numbers for <c>gittrack show</c>: how many points, min and max (NaN ignored), last value.</summary>
public sealed record MetricSummary(string Name, long Count, double Min, double Max, double Last)
{
    /// <summary>Summaries of every metric in <paramref name="points"/>, by name.</summary>
    public static IReadOnlyList<MetricSummary> Of(IEnumerable<MetricPoint> points)
    {
        var result = new SortedDictionary<string, (long Count, double Min, double Max, double Last)>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            var (count, min, max, _) = result.TryGetValue(point.Name, out var s) ? s : (0, double.NaN, double.NaN, double.NaN);
            if (!double.IsNaN(point.Value))
            {
                min = double.IsNaN(min) ? point.Value : Math.Min(min, point.Value);
                max = double.IsNaN(max) ? point.Value : Math.Max(max, point.Value);
            }
            result[point.Name] = (count + 1, min, max, point.Value);
        }
        return result.Select(p => new MetricSummary(p.Key, p.Value.Count, p.Value.Min, p.Value.Max, p.Value.Last)).ToArray();
    }
}
