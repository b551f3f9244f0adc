using System.Globalization;
using GitTrack.Core.Errors;

namespace GitTrack.Cli;

/// <summary>Reads durations as users write them on the command line: <c>30s</c>, <c>5m</c>, <c>1.5h</c>, <c>2d</c>, <c>500ms</c>.</summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsAsciiLetter(trimmed[unitStart - 1]))
            unitStart--;
        var unit = trimmed[unitStart..];
        if (double.TryParse(trimmed[..unitStart], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
        {
            double? seconds = unit switch
            {
                "ms" => value / 1000,
                "s" or "" => value,
                "m" or "min" => value * 60,
                "h" => value * 3600,
                "d" => value * 86400,
                _ => null,
            };
            if (seconds is { } s && s <= TimeSpan.MaxValue.TotalSeconds / 2)
                return TimeSpan.FromSeconds(s);
        }
        throw new InvalidInputException($"'{text}' is not a duration for {option}", "write it as a number and a unit: 500ms, 30s, 5m, 1h, 2d");
    }
}
