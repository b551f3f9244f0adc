using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// The <c>nvidia-smi</c> query the GPU sampler runs once for a whole run (<c>-l</c> repeats it every interval, so no
/// process is started per sample), and the parser of its output: one line per GPU per interval,
/// <c>index, utilization.gpu, memory.used, memory.total, temperature.gpu, power.draw, power.limit</c>, without units.
/// </summary>
public static class GpuQuery
{
    public const string Fields = "index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit";

    /// <summary>
    /// The arguments for a sample every <paramref name="interval"/>: <c>-l SECONDS</c> for whole seconds, else
    /// <c>-lms MILLISECONDS</c> (a shortened interval, as the benchmark uses).
    /// </summary>
    public static IReadOnlyList<string> Arguments(TimeSpan interval)
    {
        var loop = interval.TotalSeconds >= 1 && interval.Ticks % TimeSpan.TicksPerSecond == 0
            ? new[] { "-l", ((long)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) }
            : ["-lms", Math.Max(1, (long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)];
        return ["--query-gpu=" + Fields, "--format=csv,noheader,nounits", .. loop];
    }

    /// <summary>
    /// One GPU's line, or null for anything else: a blank line, a header, or a driver message such as
    /// "Unable to determine the device handle for GPU0000:41:00.0: GPU is lost" that nvidia-smi prints in place of a lost GPU.
    /// </summary>
    public static GpuSample? ParseLine(string line)
    {
        var fields = line.Split(',');
        if (fields.Length != 7)
            return null;
        if (!int.TryParse(fields[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return null;
        var values = new double?[6];
        for (var i = 1; i < 7; i++)
        {
            var text = fields[i].Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                values[i - 1] = value;
            else if (!IsUnavailable(text))
                return null; // not a line of this query
        }
        return new GpuSample(index, values[0], values[1], values[2], values[3], values[4], values[5]);
    }

    /// <summary>The words nvidia-smi puts in a field it cannot fill: [N/A], [Not Supported], [Unknown Error], [GPU requires reset]...</summary>
    private static bool IsUnavailable(string text) =>
        text.Length == 0 || (text.StartsWith('[') && text.EndsWith(']')) || text is "N/A" or "Not Supported";
}
