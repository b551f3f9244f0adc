namespace GitTrack.Web.Charts;

/// <summary>
/// Reduces a metric series to at most a given number of points for drawing, M4-style: the points are cut into
/// equal-count buckets and each bucket keeps its first, lowest, highest and last point, so every peak and dip of
/// the full series stays visible at the chart's width (plain striding or averaging would hide spikes).
/// </summary>
internal static class Downsampler
{
    /// <summary>
    /// Indices (ascending) of the points of <paramref name="y"/> to keep, at most <paramref name="maxPoints"/>
    /// (4 or more). NaN and infinite values are ignored when looking for a bucket's extremes.
    /// </summary>
    public static int[] Select(ReadOnlySpan<double> y, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 4);
        var n = y.Length;
        if (n <= maxPoints)
        {
            var all = new int[n];
            for (var i = 0; i < n; i++)
                all[i] = i;
            return all;
        }
        var buckets = maxPoints / 4;
        var kept = new List<int>(buckets * 4);
        for (var b = 0; b < buckets; b++)
        {
            // Integer bounds spread the remainder evenly and cover [0, n) exactly.
            var start = (int)((long)b * n / buckets);
            var end = (int)((long)(b + 1) * n / buckets);
            int min = -1, max = -1;
            for (var i = start; i < end; i++)
            {
                var v = y[i];
                if (!double.IsFinite(v))
                    continue;
                if (min < 0 || v < y[min])
                    min = i;
                if (max < 0 || v > y[max])
                    max = i;
            }
            Add(kept, start);
            if (min >= 0 && max >= 0)
            {
                Add(kept, Math.Min(min, max));
                Add(kept, Math.Max(min, max));
            }
            Add(kept, end - 1);
        }
        return kept.ToArray();

        static void Add(List<int> list, int index)
        {
            if (list.Count == 0 || list[^1] < index)
                list.Add(index);
        }
    }
}
