namespace GitTrack.Cli.Rendering;

/// <summary>A metric history drawn in one line of block characters (▁▂▃▄▅▆▇█), lowest to highest, for terminals.</summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>
    /// At most <paramref name="width"/> characters; a longer history is split into that many equal buckets, each drawn
    /// as its mean. Non-finite values are skipped; a flat history is a flat line; no finite value gives "".
    /// </summary>
    public static string Of(IReadOnlyList<double> values, int width = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
            return "";
        var buckets = Math.Min(width, finite.Length);
        var points = new double[buckets];
        for (var b = 0; b < buckets; b++)
        {
            int from = (int)((long)b * finite.Length / buckets), to = (int)((long)(b + 1) * finite.Length / buckets);
            var sum = 0.0;
            for (var i = from; i < to; i++)
                sum += finite[i];
            points[b] = sum / (to - from);
        }
        double min = points.Min(), max = points.Max();
        var chars = new char[buckets];
        for (var b = 0; b < buckets; b++)
        {
            var level = max > min ? (int)Math.Round((points[b] - min) / (max - min) * (Blocks.Length - 1)) : Blocks.Length / 2 - 1;
            chars[b] = Blocks[Math.Clamp(level, 0, Blocks.Length - 1)];
        }
        return new string(chars);
    }
}
