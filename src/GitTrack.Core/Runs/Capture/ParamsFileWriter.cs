using System.Text.Json;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Writes the <c>GITTRACK_PARAMS</c> file the child reads: one flat JSON object keyed by the dotted names, values
/// as JSON numbers (a float always with a '.' or an exponent, so <c>1.0</c> stays a float), booleans and strings. NaN and the infinities are written as Python's json module writes them
/// (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>), which <c>json.load</c> reads back. See docs/protocol.md.
/// </summary>
public static class ParamsFileWriter
{
    /// <summary>Writes <paramref name="parameters"/> to <paramref name="path"/> (atomically: a temporary file renamed into place).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, object> parameters)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Write(stream, parameters);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes the JSON object to <paramref name="stream"/>, keys in ordinal order, indented, with a final newline.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, object> parameters)
    {
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    internal static void WriteValue(Utf8JsonWriter writer, object? value) => ParamValue.WriteJson(writer, value);
}
