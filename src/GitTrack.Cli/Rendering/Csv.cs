using System.Buffers;
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
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    [ThreadStatic]
    private static StringBuilder? t_row;

    /// <summary>
    /// One record: the fields, quoted where needed, then CRLF; a null field is empty. The record reaches
    /// <paramref name="output"/> in one write (a console writes through at every write), built in a buffer that is
    /// reused from record to record.
    /// </summary>
    public static void WriteRow(TextWriter output, IEnumerable<string?> fields)
    {
        var row = t_row ??= new StringBuilder(256);
        row.Clear();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
                row.Append(',');
            first = false;
            AppendField(row, field ?? "");
        }
        row.Append("\r\n");
        output.Write(row);
        if (row.Capacity > 1 << 20)
            t_row = null; // one huge record: do not keep its buffer
    }

    /// <summary>
    /// A field as is, or quoted with its quotes doubled when it holds a comma, quote, CR or LF or starts or ends
    /// with a space (which some readers would trim).
    /// </summary>
    private static void AppendField(StringBuilder row, ReadOnlySpan<char> field)
    {
        if (!(field.Length > 0 && (field[0] == ' ' || field[^1] == ' ')) && field.IndexOfAny(NeedsQuotes) < 0)
        {
            row.Append(field);
            return;
        }
        row.Append('"');
        int quote;
        while ((quote = field.IndexOf('"')) >= 0)
        {
            row.Append(field[..(quote + 1)]).Append('"');
            field = field[(quote + 1)..];
        }
        row.Append(field).Append('"');
    }

    /// <summary>A field as <see cref="WriteRow"/> writes it.</summary>
    public static string Quote(string field)
    {
        var text = new StringBuilder(field.Length + 2);
        AppendField(text, field);
        return text.ToString();
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
