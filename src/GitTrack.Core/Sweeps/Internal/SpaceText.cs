using System.Globalization;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Sweeps.Internal;

/// <summary>
/// Writing values so that <see cref="ParamValue.Infer"/> reads them back with the same type and value (a float
/// keeps a '.', a string that would read as a number is quoted), and splitting a written list at its commas.
/// </summary>
internal static class SpaceText
{
    /// <summary>The text that <c>gittrack run -p NAME=TEXT</c> types back to exactly <paramref name="value"/>.</summary>
    public static string FormatValue(object value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        bool b => b ? "true" : "false",
        string s => FormatString(s),
        _ => FormatString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>The shortest text that round-trips, always with a '.' or an exponent so it stays a float: 1.0, 0.001, 1e-05.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text.Replace("E", "e", StringComparison.Ordinal) : text + ".0";
    }

    private static string FormatString(string s)
    {
        bool plain = s.Length > 0 && s.Trim().Length == s.Length && ParamValue.Infer(s) is string same && same == s
            && s.IndexOfAny([',', '"', '\'', '(', ')']) < 0 && !s.Contains("..", StringComparison.Ordinal);
        if (plain)
            return s;
        // Inside one pair of quotes the text is taken as it is; the quote character is one the text does not end a
        // list element with.
        return s.Contains("\",", StringComparison.Ordinal) || s.EndsWith('"') ? $"'{s}'" : $"\"{s}\"";
    }

    /// <summary>
    /// Splits a list at its top-level commas. An element that starts with a quote runs to the matching quote that is
    /// followed by a comma or the end (so quoted elements may hold commas); spaces around elements are trimmed.
    /// Returns null when a quote is not closed.
    /// </summary>
    public static List<string>? SplitList(string text)
    {
        var elements = new List<string>();
        int i = 0, n = text.Length;
        while (true)
        {
            while (i < n && text[i] == ' ')
                i++;
            int start = i;
            if (i < n && text[i] is '"' or '\'')
            {
                char quote = text[i];
                int close = -1;
                for (int j = i + 1; j < n; j++)
                {
                    if (text[j] != quote)
                        continue;
                    int k = j + 1;
                    while (k < n && text[k] == ' ')
                        k++;
                    if (k == n || text[k] == ',')
                    {
                        close = j;
                        break;
                    }
                }
                if (close < 0)
                    return null;
                elements.Add(text[start..(close + 1)]);
                i = close + 1;
                while (i < n && text[i] == ' ')
                    i++;
            }
            else
            {
                int comma = text.IndexOf(',', i);
                int end = comma < 0 ? n : comma;
                elements.Add(text[start..end].TrimEnd(' '));
                i = end;
            }
            if (i >= n)
                return elements;
            i++; // the comma
            if (i == n)
            {
                elements.Add("");
                return elements;
            }
        }
    }
}
