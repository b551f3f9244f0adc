using System.Globalization;
using System.Text;

namespace GitTrack.Core.Runs;

/// <summary>
/// Writes TOML values and keys by hand, so the manifest's bytes are fully determined by the record (fixed field
/// order, sorted table keys, one quoting rule) and stay within what every TOML 1.0 parser accepts.
/// </summary>
internal static class TomlText
{
    /// <summary>A bare key when it only holds A-Z a-z 0-9 _ -, else a quoted key (so <c>model.max_depth</c> stays one key).</summary>
    public static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : String(key);

    public static string String(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                        sb.Append(c).Append(value[++i]);
                    else if (char.IsSurrogate(c))
                        sb.Append("\\uFFFD"); // a lone surrogate cannot be encoded in UTF-8, which TOML requires
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A TOML float: shortest round-trip digits, always with a '.' or exponent; nan, inf, -inf as TOML spells them.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E'))
        {
            // .NET writes 1E+20; TOML wants a mantissa with a digit after any '.', which 1e+20 satisfies.
            text = text.Replace("E", "e", StringComparison.Ordinal);
            return text;
        }
        return text.Contains('.') ? text : text + ".0";
    }

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>An offset date-time in UTC with microsecond precision (what Python's tomllib keeps).</summary>
    public static string DateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Value(object value) => value switch
    {
        string s => String(s),
        long l => Integer(l),
        int i => Integer(i),
        double d => Float(d),
        bool b => Bool(b),
        _ => throw new ArgumentException($"unsupported param type {value.GetType().Name}", nameof(value)),
    };
}
