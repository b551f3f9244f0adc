using System.Globalization;
using System.Text.Json;

namespace GitTrack.Core.Runs;

/// <summary>
/// The JSON form of a run's values, shared by <c>gittrack ls/show --json</c> and the web UI's API so both write
/// params, metrics, tags and the source the same way. JSON has no NaN or infinities: those are the strings
/// "nan", "inf" and "-inf".
/// </summary>
public static class RunJsonValues
{
    /// <summary>A number, or its "nan"/"inf"/"-inf" string when it is not finite.</summary>
    public static void WriteNumber(Utf8JsonWriter json, string key, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumber(key, value);
        else
            json.WriteString(key, double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");
    }

    /// <summary>The <c>params</c> object: integers and floats as numbers, booleans as booleans, the rest as text.</summary>
    public static void WriteParams(Utf8JsonWriter json, IReadOnlyDictionary<string, object> parameters)
    {
        json.WriteStartObject("params");
        foreach (var (key, value) in parameters)
        {
            switch (value)
            {
                case long l: json.WriteNumber(key, l); break;
                case int i: json.WriteNumber(key, i); break;
                case double d: WriteNumber(json, key, d); break;
                case bool b: json.WriteBoolean(key, b); break;
                default: json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
        json.WriteEndObject();
    }

    /// <summary>An object of numbers (metrics' last values).</summary>
    public static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
            WriteNumber(json, key, value);
        json.WriteEndObject();
    }

    /// <summary>An object of strings (tags, environment, runtimes).</summary>
    public static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
            json.WriteString(key, value);
        json.WriteEndObject();
    }

    /// <summary>The <c>source</c> object: commit, branch, remote, dirty, snapshot tree and skipped files.</summary>
    public static void WriteSource(Utf8JsonWriter json, SourceInfo source)
    {
        json.WriteStartObject("source");
        json.WriteString("commit", source.Commit);
        json.WriteString("branch", source.Branch);
        json.WriteString("remote", source.Remote);
        json.WriteBoolean("dirty", source.Dirty);
        json.WriteString("tree", source.Tree);
        json.WriteStartArray("skipped");
        foreach (var path in source.SkippedFiles)
            json.WriteStringValue(path);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
