using System.Globalization;
using System.Text.Json;
using GitTrack.Core.Runs.Capture;

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

    /// <summary>
    /// The <c>params</c> object (integers and floats as numbers, a float always with a '.' or an exponent so that
    /// <c>1.0</c> reads back as a float; booleans as booleans; the rest as text), then <c>param_types</c>, each
    /// param's type by name (<c>integer</c>, <c>float</c>, <c>boolean</c>, <c>string</c>) for readers such as
    /// JavaScript that cannot tell <c>1.0</c> from <c>1</c>.
    /// </summary>
    public static void WriteParams(Utf8JsonWriter json, IReadOnlyDictionary<string, object> parameters)
    {
        json.WriteStartObject("params");
        foreach (var (key, value) in parameters)
        {
            json.WritePropertyName(key);
            if (value is long or int or double or float or bool)
                ParamValue.WriteJson(json, value, nonFiniteAsText: true);
            else
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        json.WriteEndObject();
        json.WriteStartObject("param_types");
        foreach (var (key, value) in parameters)
            json.WriteString(key, ParamValue.TypeName(value));
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
