using System.Globalization;
using System.Text.Json;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Types a parameter value written as text (<c>--param K=V</c>, plain YAML scalars): integers become
/// <see cref="long"/>, decimal numbers, <c>inf</c> and <c>nan</c> become <see cref="double"/>, <c>true</c>/<c>false</c>
/// become <see cref="bool"/>, anything else stays a <see cref="string"/>. The rules are in docs/protocol.md.
/// Also writes a typed value back as text and JSON so that its type survives: a float always carries a '.' or an
/// exponent (<c>1.0</c>, never <c>1</c>, which every reader would take for an integer).
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

    /// <summary>
    /// A float as text that reads back as the same float, and as a float: the shortest round-trip digits, with
    /// <c>.0</c> added to a whole number (<c>1.0</c>, <c>0.001</c>, <c>1e+20</c>); <c>nan</c>, <c>inf</c>, <c>-inf</c>.
    /// The same text is valid TOML, and, when finite, valid JSON that Python's json module reads as a float.
    /// </summary>
    public static string FloatText(double value) => TomlText.Float(value);

    /// <summary>A param as people and CSV read it: integers as digits, floats as <see cref="FloatText"/>, booleans <c>true</c>/<c>false</c>, text unchanged.</summary>
    public static string Format(object value) => value switch
    {
        double d => FloatText(d),
        float f => FloatText(f),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The name of a param's type as gittrack's JSON gives it: <c>integer</c>, <c>float</c>, <c>boolean</c> or <c>string</c>.</summary>
    public static string TypeName(object value) => value switch
    {
        long or int => "integer",
        double or float => "float",
        bool => "boolean",
        _ => "string",
    };

    /// <summary>
    /// Writes a param as a JSON value of its own type: integers and floats as numbers (a float always with a '.' or
    /// an exponent), booleans, strings. NaN and the infinities, which JSON lacks, are the bare <c>NaN</c>,
    /// <c>Infinity</c>, <c>-Infinity</c> that Python's json module reads (the protocol's form), or the strings
    /// <c>"nan"</c>, <c>"inf"</c>, <c>"-inf"</c> when <paramref name="nonFiniteAsText"/> (gittrack's JSON output).
    /// </summary>
    public static void WriteJson(Utf8JsonWriter writer, object? value, bool nonFiniteAsText = false)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case float f:
                WriteJson(writer, (double)f, nonFiniteAsText);
                break;
            case double d when double.IsFinite(d):
                writer.WriteRawValue(FloatText(d), skipInputValidation: true);
                break;
            case double d when nonFiniteAsText:
                writer.WriteStringValue(FloatText(d));
                break;
            case double d:
                writer.WriteRawValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
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
