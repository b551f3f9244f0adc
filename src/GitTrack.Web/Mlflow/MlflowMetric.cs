using System.Text.Json;
using GitTrack.Core.Runs;

namespace GitTrack.Web.Mlflow;

/// <summary>One metric point as MLflow's <c>Metric</c> message holds it (timestamp in ms, step 0 when none was given).</summary>
internal readonly record struct MlflowMetric(string Key, double Value, long Timestamp, long Step)
{
    public static MlflowMetric Of(MetricPoint point) =>
        new(point.Name, point.Value, point.Timestamp?.ToUnixTimeMilliseconds() ?? 0, point.Step ?? 0);

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("key", Key);
        WriteDouble(json, "value", Value);
        json.WriteNumber("timestamp", Timestamp);
        json.WriteNumber("step", Step);
        json.WriteEndObject();
    }

    /// <summary>A double as protobuf's JSON writes it: a number, or the strings "NaN", "Infinity", "-Infinity".</summary>
    public static void WriteDouble(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsNaN(value))
            json.WriteString(name, "NaN");
        else if (double.IsPositiveInfinity(value))
            json.WriteString(name, "Infinity");
        else if (double.IsNegativeInfinity(value))
            json.WriteString(name, "-Infinity");
        else
            json.WriteNumber(name, value);
    }
}
