using GitTrack.Core.Query;

namespace GitTrack.Core.Query.Internal;

/// <summary>
/// Builds the test one comparison applies to a present value, following the type rules of docs/query.md: numbers
/// compare as numbers (text that reads as a number too), dates at the literal's precision, durations by length (a plain
/// number as seconds), text by ordinal; values that cannot be compared are unequal (<c>!=</c> true, the others false).
/// </summary>
internal static class ValueTest
{
    public static Func<QueryValue, bool> Build(FieldPath field, QueryOperator op, QueryLiteral literal, QueryContext context)
    {
        if (op is QueryOperator.Match or QueryOperator.NotMatch)
        {
            var pattern = new TextPattern(literal.Raw);
            bool want = op == QueryOperator.Match;
            return v => pattern.IsMatch(v.Kind == QueryValueKind.Text ? v.Text! : v.ToString()) == want;
        }
        bool mismatch = op == QueryOperator.NotEqual;
        if (field.Root == FieldRoot.Parent && op is QueryOperator.Equal or QueryOperator.NotEqual)
        {
            // The parent is named as the command line names a run: its id, a prefix of 4 or more hex digits, or its name.
            var text = literal.Raw;
            var named = context.RunsNamed?.Invoke(text) ?? [];
            bool prefix = text.Length >= 4 && text.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
            bool equal = op == QueryOperator.Equal;
            return v => v.Kind == QueryValueKind.Text
                && (v.Text == text || (prefix && v.Text!.StartsWith(text, StringComparison.Ordinal)) || named.Contains(v.Text!)) == equal;
        }
        switch (literal.Kind)
        {
            case QueryLiteralKind.Number:
            {
                double n = literal.Number;
                return v => v.Kind switch
                {
                    QueryValueKind.Number => Compare(v.Number, n, op),
                    QueryValueKind.Duration => Compare(v.Duration.TotalSeconds, n, op),
                    QueryValueKind.Text => LiteralReader.TryNumber(v.Text, out double x) ? Compare(x, n, op) : mismatch,
                    _ => mismatch,
                };
            }
            case QueryLiteralKind.Bool:
            {
                bool b = literal.Bool;
                return v => v.Kind switch
                {
                    QueryValueKind.Bool => CompareBool(v.Bool, b, op),
                    QueryValueKind.Text => TryBool(v.Text, out bool x) ? CompareBool(x, b, op) : mismatch,
                    _ => mismatch,
                };
            }
            case QueryLiteralKind.Date or QueryLiteralKind.RelativeDate:
            {
                var range = literal.Kind == QueryLiteralKind.Date
                    ? DateRange.Resolve(literal, context.TimeZone)
                    : new DateRange(context.Now - literal.Duration, context.Now - literal.Duration);
                var zone = context.TimeZone;
                return v => v.Kind switch
                {
                    QueryValueKind.Date => range.Test(v.UtcTicks, op),
                    QueryValueKind.Text => LiteralReader.TryDateValue(v.Text, zone, out var d) ? range.Test(d, op) : mismatch,
                    _ => mismatch,
                };
            }
            case QueryLiteralKind.Duration:
            {
                var length = literal.Duration;
                double seconds = length.TotalSeconds;
                return v => v.Kind switch
                {
                    QueryValueKind.Duration => Compare(v.Duration.Ticks, length.Ticks, op),
                    QueryValueKind.Number => Compare(v.Number, seconds, op),
                    QueryValueKind.Text => LiteralReader.TryDuration(v.Text, out var d) ? Compare(d.Ticks, length.Ticks, op)
                        : LiteralReader.TryNumber(v.Text, out double x) ? Compare(x, seconds, op) : mismatch,
                    _ => mismatch,
                };
            }
            default:
            {
                string text = literal.Raw;
                if (field.Root == FieldRoot.SourceCommit && op is QueryOperator.Equal or QueryOperator.NotEqual && text.Length >= 4)
                {
                    // Commits are written abbreviated, as git does: a prefix of four or more characters matches.
                    bool equal = op == QueryOperator.Equal;
                    return v => v.Kind == QueryValueKind.Text && v.Text!.StartsWith(text, StringComparison.OrdinalIgnoreCase) == equal;
                }
                bool isNumber = LiteralReader.TryNumber(text, out double asNumber);
                bool isBool = TryBool(text, out bool asBool);
                bool isDuration = LiteralReader.TryDuration(text, out var asDuration);
                DateRange? asDate = LiteralReader.TryDate(text, 0, quoted: true) is { } dateLiteral
                    ? DateRange.Resolve(dateLiteral, context.TimeZone) : null;
                return v => v.Kind switch
                {
                    QueryValueKind.Text => Compare(string.CompareOrdinal(v.Text, text), 0, op),
                    QueryValueKind.Number => isNumber ? Compare(v.Number, asNumber, op) : mismatch,
                    QueryValueKind.Bool => isBool ? CompareBool(v.Bool, asBool, op) : mismatch,
                    QueryValueKind.Duration => isDuration ? Compare(v.Duration.Ticks, asDuration.Ticks, op)
                        : isNumber ? Compare(v.Duration.TotalSeconds, asNumber, op) : mismatch,
                    QueryValueKind.Date => asDate is { } range ? range.Test(v.UtcTicks, op) : mismatch,
                    _ => mismatch,
                };
            }
        }
    }

    /// <summary>IEEE comparison: NaN is unequal to everything and neither less nor greater.</summary>
    private static bool Compare(double a, double b, QueryOperator op) => op switch
    {
        QueryOperator.Equal => a == b,
        QueryOperator.NotEqual => !(a == b),
        QueryOperator.Less => a < b,
        QueryOperator.LessOrEqual => a <= b,
        QueryOperator.Greater => a > b,
        _ => a >= b,
    };

    private static bool Compare(long a, long b, QueryOperator op) => op switch
    {
        QueryOperator.Equal => a == b,
        QueryOperator.NotEqual => a != b,
        QueryOperator.Less => a < b,
        QueryOperator.LessOrEqual => a <= b,
        QueryOperator.Greater => a > b,
        _ => a >= b,
    };

    private static bool Compare(int a, int b, QueryOperator op) => Compare((long)a, b, op);

    /// <summary>Booleans are equal or not; they have no order (<c>&lt;</c> on booleans is false).</summary>
    private static bool CompareBool(bool a, bool b, QueryOperator op) => op switch
    {
        QueryOperator.Equal => a == b,
        QueryOperator.NotEqual => a != b,
        _ => false,
    };

    public static bool TryBool(string? text, out bool value)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        value = false;
        return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
    }
}
