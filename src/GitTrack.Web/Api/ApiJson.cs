using System.Text.Json;
using GitTrack.Core.Runs;
using GitTrack.Web.Charts;

namespace GitTrack.Web.Api;

/// <summary>
/// The JSON of the API's own answers: chart series. Runs are written by <see cref="RunJson"/>, the form
/// <c>gittrack ls/show --json</c> print. NaN and infinities cannot be JSON numbers: in chart series they are null (a gap).
/// </summary>
internal static class ApiJson
{
    public static void WriteSeries(Utf8JsonWriter json, MetricSeries series)
    {
        json.WriteStartObject();
        json.WriteString("name", series.Name);
        json.WriteNumber("count", series.Count);
        json.WriteStartArray("x");
        foreach (var x in series.X)
            json.WriteNumberValue(x);
        json.WriteEndArray();
        json.WriteStartArray("y");
        foreach (var y in series.Y)
        {
            if (double.IsFinite(y))
                json.WriteNumberValue(y);
            else
                json.WriteNullValue();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
