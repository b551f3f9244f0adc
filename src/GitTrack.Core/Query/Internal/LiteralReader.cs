using System.Globalization;
using System.Text.RegularExpressions;

namespace GitTrack.Core.Query.Internal;

/// <summary>
/// Reads the words and strings of a query as typed values: numbers, booleans, dates (<c>2026-11-01</c>,
/// <c>2026-11-01T12:00</c>), relative dates (<c>-7d</c>), durations (<c>90s</c>, <c>1h30m</c>); anything else is text.
/// </summary>
internal static partial class LiteralReader
{
    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}(?=$|[T ])", RegexOptions.CultureInvariant)]
    private static partial Regex DateStart();

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    /// <summary>The typed literal of an unquoted word, or null when it starts like a date but is not one.</summary>
    public static QueryLiteral? FromWord(string word, int position)
    {
        if (word.Equals("true", StringComparison.OrdinalIgnoreCase) || word.Equals("false", StringComparison.OrdinalIgnoreCase))
            return new QueryLiteral { Kind = QueryLiteralKind.Bool, Raw = word, Position = position, Bool = word.Length == 4 };
        if (TryNumber(word, out double number))
            return new QueryLiteral { Kind = QueryLiteralKind.Number, Raw = word, Position = position, Number = number };
        if (DateStart().IsMatch(word))
            return TryDate(word, position, quoted: false);
        if (TryDuration(word, out var duration))
            return new QueryLiteral { Kind = QueryLiteralKind.Duration, Raw = word, Position = position, Duration = duration };
        if (word.Length > 1 && word[0] == '-' && TryDuration(word[1..], out var ago))
            return new QueryLiteral { Kind = QueryLiteralKind.RelativeDate, Raw = word, Position = position, Duration = ago };
        return Text(word, position, quoted: false);
    }

    public static QueryLiteral Text(string text, int position, bool quoted) =>
        new() { Kind = QueryLiteralKind.Text, Raw = text, Position = position, Quoted = quoted };

    /// <summary>A number as the language writes it: digits with an optional sign, point and exponent (no <c>nan</c>, no hex).</summary>
    public static bool TryNumber(string? text, out double number)
    {
        number = 0;
        return text is not null && text.Length > 0 && text.Length < 64 && LooksLikeNumber(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>The shape <c>[+-]digits[.digits][e[+-]digits]</c> (or <c>.5</c>), checked by hand: this runs for every text
    /// value a numeric comparison or a sort meets, so it must be cheap, and most text fails at the first character.</summary>
    private static bool LooksLikeNumber(string text)
    {
        int i = 0;
        if (text[i] is '+' or '-')
            i++;
        int digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
            digits++;
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                digits++;
            }
        }
        if (digits == 0)
            return false;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
                i++;
            int exponent = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                exponent++;
            }
            if (exponent == 0)
                return false;
        }
        return i == text.Length;
    }

    /// <summary>A date literal (<c>2026-11-01</c>, <c>2026-11-01T12:00[:00[.5]]</c>, optional <c>Z</c> or <c>+02:00</c>), or null.</summary>
    public static QueryLiteral? TryDate(string text, int position, bool quoted)
    {
        var m = DatePattern().Match(text);
        if (!m.Success)
            return null;
        int year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        int day = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        int hour = m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 0;
        int minute = m.Groups[5].Success ? int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) : 0;
        int second = m.Groups[6].Success ? int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
        // Years are kept within 1000..9998 so that a day's end and any offset stay inside DateTimeOffset's range.
        if (month is < 1 or > 12 || day < 1 || year is < 1000 or > 9998 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return null;
        var dateTime = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        if (m.Groups[7].Success)
            dateTime = dateTime.AddTicks((long)Math.Round(double.Parse("0" + m.Groups[7].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
        TimeSpan? offset = null;
        if (m.Groups[8].Success)
        {
            var o = m.Groups[8].Value;
            if (o is "Z" or "z")
                offset = TimeSpan.Zero;
            else
            {
                var digits = o[1..].Replace(":", "");
                int oh = int.Parse(digits[..2], CultureInfo.InvariantCulture), om = int.Parse(digits[2..], CultureInfo.InvariantCulture);
                if (oh > 14 || om > 59)
                    return null;
                offset = new TimeSpan(oh, om, 0) * (o[0] == '-' ? -1 : 1);
            }
        }
        var precision = m.Groups[7].Success ? DatePrecision.Exact
            : m.Groups[6].Success ? DatePrecision.Second
            : m.Groups[4].Success ? DatePrecision.Minute
            : DatePrecision.Day;
        return new QueryLiteral
        {
            Kind = QueryLiteralKind.Date, Raw = text, Position = position, Quoted = quoted,
            DateTime = dateTime, Offset = offset, Precision = precision,
        };
    }

    /// <summary>A duration: one or more number-unit pairs, units <c>ms s m h d w</c> (<c>90s</c>, <c>1h30m</c>, <c>1.5h</c>).</summary>
    public static bool TryDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !char.IsAsciiDigit(text[0]) || !DurationPattern().IsMatch(text))
            return false;
        double seconds = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            double amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += amount * part.Groups[2].Value switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => 7 * 86400,
            };
        }
        // About 1,000 years at most, so that "that long before now" is still a date.
        if (seconds > 1000.0 * 365 * 86400)
            return false;
        duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>A date stored as text in a param or tag (ISO 8601, as <see cref="TryDate"/> reads it), resolved in <paramref name="zone"/>.</summary>
    public static bool TryDateValue(string? text, TimeZoneInfo zone, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 8 || !char.IsAsciiDigit(text[0]))
            return false;
        var literal = TryDate(text, 0, quoted: true);
        if (literal is null)
            return false;
        value = DateRange.Resolve(literal, zone).Start;
        return true;
    }
}
