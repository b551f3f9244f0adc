using System.Text.Json;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Reads back the <c>GITTRACK_PARAMS</c> file that <see cref="ParamsFileWriter"/> writes (docs/protocol.md), for the
/// .NET client: integers as <see cref="long"/>, numbers with a '.' or an exponent as <see cref="double"/> (so
/// <c>1.0</c> stays a float), the bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> as doubles, booleans and strings.
/// </summary>
public static class ParamsFileReader
{
    /// <summary>The params in <paramref name="path"/>; empty when there is no such file.</summary>
    public static Dictionary<string, object> Read(string path)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return result;
        var bytes = File.ReadAllBytes(path);
        // JSON has no NaN or infinities: quote them as the marks the events parser also uses, then read those back.
        var rewritten = new byte[bytes.Length * 4 + 16];
        var length = EventLineParser.RewriteNonFiniteNumbers(bytes, rewritten);
        using var document = JsonDocument.Parse(length < 0 ? bytes : rewritten.AsMemory(0, length));
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var element = property.Value;
            object? value = element.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when element.GetRawText().AsSpan().IndexOfAny(".eE") < 0 && element.TryGetInt64(out var integer) => integer,
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.String => Text(element.GetString()!),
                JsonValueKind.Null => null,
                _ => element.GetRawText(),
            };
            if (value is not null)
                result[property.Name] = value;
        }
        return result;
    }

    // Only the marks stand for NaN and the infinities; a string "nan" in the file stays that string.
    private static object Text(string text) =>
        text.Length > 0 && text[0] == '\0' && EventLineParser.TryParseNonFinite(text, out var special) ? special : text;
}
