using System.Globalization;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Reads the output of <c>nvidia-smi --query-gpu=name,memory.total,driver_version,uuid --format=csv,noheader,nounits</c>:
/// one GPU a line, fields separated by commas. Unavailable fields (<c>[N/A]</c>, <c>N/A</c>) become null or 0;
/// lines that are not GPUs (an error message from a broken driver) are skipped.
/// </summary>
public static class NvidiaSmiParser
{
    /// <summary>The arguments that produce the output <see cref="Parse"/> reads.</summary>
    public static readonly IReadOnlyList<string> Arguments =
        ["--query-gpu=name,memory.total,driver_version,uuid", "--format=csv,noheader,nounits"];

    public static List<GpuInfo> Parse(string output)
    {
        var gpus = new List<GpuInfo>();
        foreach (var rawLine in output.Split('\n'))
        {
            var fields = rawLine.Trim().Split(',');
            if (fields.Length < 2)
                continue;
            // Names hold no commas today; should one, the last three fields are still memory, driver and uuid.
            int extra = Math.Max(0, fields.Length - 4);
            var name = string.Join(',', fields[..(1 + extra)]).Trim();
            var memoryText = fields[1 + extra].Trim();
            if (name.Length == 0 || Unavailable(name))
                continue;
            if (!long.TryParse(memoryText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var memory))
            {
                // Not "name, number, ...": an error line that happens to hold a comma, unless the field is just unavailable.
                if (!Unavailable(memoryText))
                    continue;
                memory = 0;
            }
            var driver = fields.Length > 2 + extra ? Field(fields[2 + extra]) : null;
            var uuid = fields.Length > 3 + extra ? Field(fields[3 + extra]) : null;
            gpus.Add(new GpuInfo(name, memory, driver, uuid));
        }
        return gpus;
    }

    private static string? Field(string text)
    {
        text = text.Trim();
        return text.Length == 0 || Unavailable(text) ? null : text;
    }

    private static bool Unavailable(string text) =>
        text.Trim('[', ']') is "N/A" or "Not Supported" or "Unknown Error" or "Insufficient Permissions";
}
