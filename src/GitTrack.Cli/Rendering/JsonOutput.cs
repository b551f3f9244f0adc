using System.Text.Json;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// Prints the JSON of the <c>--json</c> options: indented, non-ASCII text kept as is. The run shapes themselves are
/// <see cref="GitTrack.Core.Runs.RunJson"/>, shared with the web UI's API.
/// </summary>
public static class JsonOutput
{
    /// <summary>Runs <paramref name="write"/> over a writer to <paramref name="output"/>, indented, then a newline.</summary>
    public static void To(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>
    /// Writes a JSON array of <paramref name="items"/> to <paramref name="output"/> as it goes (64 KiB at a time), the
    /// same text <see cref="To"/> would write, without holding it all: <c>ls --json</c> of 100,000 runs.
    /// </summary>
    public static void Array<T>(TextWriter output, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        using var buffer = new MemoryStream();
        void Drain()
        {
            output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            buffer.SetLength(0);
        }
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                write(json, item);
                if (json.BytesPending + buffer.Length > 1 << 16)
                {
                    json.Flush();
                    Drain();
                }
            }
            json.WriteEndArray();
        }
        Drain();
        output.WriteLine();
    }
}
