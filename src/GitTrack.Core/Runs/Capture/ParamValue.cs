using System.Globalization;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Types a parameter value written as text (<c>--param K=V</c>, plain YAML scalars): integers become
/// <see cref="long"/>, decimal numbers, <c>inf</c> and <c>nan</c> become <see cref="double"/>, <c>true</c>/<c>false</c>
/// become <see cref="bool"/>, anything else stays a <see cref="string"/>. The rules are in docs/protocol.md.
/// </summary>
public static class ParamValue
{
    /// <summary>
    /// The typed value of <paramref name="text"/>. A value wrapped in one pair of double or single quotes is
    /// always the string inside them (<c>K="1"</c> is the string <c>1</c>).
    /// </summary>
    public static object Infer(string text)
    {
        if (text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[^1] == text[0])
            return text[1..^1];
        return InferUnquoted(text);
    }

    /// <summary>Like <see cref="Infer"/> but without the quoting rule (for YAML plain scalars, already unquoted).</summary>
    public static object InferUnquoted(string text)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
        }
        if (IsInteger(text))
        {
            // Leading zeros ("007") are usually identifiers, and integers beyond 64 bits would lose digits as
            // doubles: both stay strings, so nothing the user wrote is altered.
            var digits = text.AsSpan(text[0] is '+' or '-' ? 1 : 0);
            if ((digits.Length > 1 && digits[0] == '0')
                || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                return text;
            return integer;
        }
        if (TryParseSpecialDouble(text, out var special))
            return special;
        if (IsDecimal(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        return text;
    }

    /// <summary>Reads <c>nan</c>, <c>inf</c>, <c>+inf</c>, <c>-inf</c>, <c>infinity</c>, <c>.inf</c>, <c>.nan</c> (any case).</summary>
    public static bool TryParseSpecialDouble(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        if (text.Length is < 3 or > 9)
            return false;
        bool negative = false;
        if (text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            text = text[1..];
        }
        if (text.Length > 0 && text[0] == '.')
            text = text[1..];
        if (text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        return false;
    }

    private static bool IsInteger(string text)
    {
        int i = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        if (i == text.Length)
            return false;
        for (; i < text.Length; i++)
            if (!char.IsAsciiDigit(text[i]))
                return false;
        return true;
    }

    // [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits]: what Python's float() and JSON accept, no hex, no "1_000".
    private static bool IsDecimal(string text)
    {
        int i = 0, n = text.Length;
        if (i < n && text[i] is '+' or '-')
            i++;
        int mantissaDigits = 0;
        while (i < n && char.IsAsciiDigit(text[i])) { i++; mantissaDigits++; }
        if (i < n && text[i] == '.')
        {
            i++;
            while (i < n && char.IsAsciiDigit(text[i])) { i++; mantissaDigits++; }
        }
        if (mantissaDigits == 0)
            return false;
        if (i < n && text[i] is 'e' or 'E')
        {
            i++;
            if (i < n && text[i] is '+' or '-')
                i++;
            int exponentDigits = 0;
            while (i < n && char.IsAsciiDigit(text[i])) { i++; exponentDigits++; }
            if (exponentDigits == 0)
                return false;
        }
        return i == n;
    }
}
