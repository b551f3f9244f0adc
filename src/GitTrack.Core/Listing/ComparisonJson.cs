using System.Text.Json;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Listing;

/// <summary>
/// The JSON of a <see cref="RunComparison"/>, the same from <c>gittrack compare --json</c> and the web UI's
/// <c>GET /api/compare</c>: <c>runs</c> (id, name) and <c>rows</c> (field, group, key, differs, values). Values are
/// JSON numbers, booleans and strings as recorded; a float keeps its point (<c>1.0</c>); NaN and infinities, which
/// JSON cannot hold, are the strings "nan", "inf", "-inf"; <c>started</c> is an ISO 8601 UTC time.
/// </summary>
public static class ComparisonJson
{
    /// <summary>The <c>runs</c> and <c>rows</c> properties, inside an object the caller has started.</summary>
    public static void WriteProperties(Utf8JsonWriter json, RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(comparison);
        json.WriteStartArray("runs");
        foreach (var run in comparison.Runs)
        {
            json.WriteStartObject();
            json.WriteString("id", run.Id);
            json.WriteString("name", run.Name);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteRows(json, comparison);
    }

    /// <summary>The <c>rows</c> property alone.</summary>
    public static void WriteRows(Utf8JsonWriter json, RunComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(comparison);
        json.WriteStartArray("rows");
        foreach (var row in comparison.Rows)
        {
            json.WriteStartObject();
            json.WriteString("field", row.Field);
            json.WriteString("group", row.Group);
            json.WriteString("key", row.Key);
            json.WriteBoolean("differs", row.Differs);
            json.WriteStartArray("values");
            foreach (var value in row.Values)
                WriteValue(json, value);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>One value of a row.</summary>
    public static void WriteValue(Utf8JsonWriter json, object? value)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (value)
        {
            case DateTimeOffset time: json.WriteStringValue(RunJson.Time(time)); break;
            case double d when !double.IsFinite(d): json.WriteStringValue(double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf"); break;
            default: ParamValue.WriteJson(json, value, nonFiniteAsText: true); break;
        }
    }
}
