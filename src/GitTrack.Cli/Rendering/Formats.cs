using System.Globalization;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Cli.Rendering;

/// <summary>How run values read on screen: times in local time, short durations, metrics with 6 significant digits, params as recorded, nan and inf.</summary>
public static class Formats
{
    public static string Time(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d)
            return "-";
        if (d < TimeSpan.Zero)
            d = TimeSpan.Zero;
        if (d.TotalSeconds < 60)
            return d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
        if (d.TotalMinutes < 60)
            return FormattableString.Invariant($"{(int)d.TotalMinutes}m{d.Seconds:D2}s");
        if (d.TotalHours < 48)
            return FormattableString.Invariant($"{(int)d.TotalHours}h{d.Minutes:D2}m");
        return FormattableString.Invariant($"{(int)d.TotalDays}d{d.Hours:D2}h");
    }

    public static string Number(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>A param exactly as recorded: a float with every digit and always a '.' or exponent (1.0), an integer as digits.</summary>
    public static string Param(object value) => ParamValue.Format(value);

    public static string Status(RunStatus status) => ManifestToml.StatusText(status);

    /// <summary>A command line as a shell would take it back: arguments with spaces or quotes are single-quoted.</summary>
    public static string CommandLine(IEnumerable<string> args) => string.Join(' ', args.Select(Quote));

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => FormattableString.Invariant($"{bytes} B"),
        < 1024 * 1024 => FormattableString.Invariant($"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => FormattableString.Invariant($"{bytes / 1048576.0:0.0} MiB"),
        _ => FormattableString.Invariant($"{bytes / 1073741824.0:0.0} GiB"),
    };
}
