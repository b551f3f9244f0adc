using System.Globalization;
using System.Text;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// CSV as RFC 4180 writes it and pandas, Python's csv module and spreadsheets read it unchanged: comma-separated,
/// CRLF line ends, a field quoted (quotes doubled) when it holds a comma, quote, CR, LF or edge spaces. Numbers in
/// the shortest form that reads back exactly; NaN and infinities as <c>nan</c>, <c>inf</c>, <c>-inf</c> (which pandas
/// parses as floats); a missing value is an empty field.
/// </summary>
public static class Csv
{
    public static void WriteRow(TextWriter output, IEnumerable<string?> fields)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
                line.Append(',');
            first = false;
            line.Append(Quote(field ?? ""));
        }
        line.Append("\r\n");
        output.Write(line.ToString());
    }

    public static string Quote(string field)
    {
        var needs = field.Length > 0 && (field[0] == ' ' || field[^1] == ' ')
            || field.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        return needs ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    /// <summary>A number as CSV and JSON lines write it: round-trip digits, nan/inf/-inf for the non-finite.</summary>
    public static string Number(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A param value: a float always with a '.' or exponent (<c>1.0</c>, so pandas reads a float), integers as digits, booleans <c>true</c>/<c>false</c>, text as is.</summary>
    public static string Value(object? value) => value is null ? "" : GitTrack.Core.Runs.Capture.ParamValue.Format(value);

    public static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) ?? "";
}
