using System.Text.Json;
using GitTrack.Core.Mlflow;
using GitTrack.Core.Runs;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// A GitTrack run as MLflow's <c>Run</c> message shows it (<c>info</c>, <c>data</c>, <c>inputs</c>), built from a
/// live run or from the branch, and written as MLflow's JSON: snake_case, int64 as numbers, enums as strings, NaN and
/// infinities as protobuf's "NaN"/"Infinity"/"-Infinity".
/// </summary>
internal sealed record MlflowRunView(string Id, string Name, string ExperimentId, string Status, long StartTime, long? EndTime, bool Deleted,
    IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<MlflowMetric> Metrics)
{
    public string ArtifactUri => $"mlflow-artifacts:/{ExperimentId}/{Id}/artifacts";

    public static MlflowRunView Of(LiveRun run)
    {
        var tags = WithSystemTags(run.Tags, run.Name, run.Parent);
        var metrics = run.History.Select(h => Latest(h.Key, h.Value)).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        return new MlflowRunView(run.Id, run.Name, run.ExperimentId, run.Status, run.StartedAt.ToUnixTimeMilliseconds(), run.EndTime, false,
            run.Params, tags, metrics);
    }

    public static MlflowRunView Of(RunSummary run)
    {
        var end = (run.EndedAt ?? run.StartedAt).ToUnixTimeMilliseconds();
        var metrics = run.Metrics.Select(m => new MlflowMetric(m.Key, m.Value, end, 0)).ToList();
        return new MlflowRunView(run.Id, run.Name, ExperimentIdOf(run.Tags), MlflowValues.StatusName(run.Status),
            run.StartedAt.ToUnixTimeMilliseconds(), run.EndedAt?.ToUnixTimeMilliseconds(), run.DeletedAt is not null,
            run.Params.ToDictionary(p => p.Key, p => MlflowValues.ParamText(p.Value), StringComparer.Ordinal),
            WithSystemTags(run.Tags, run.Name, run.Parent), metrics);
    }

    /// <summary>A run from the branch with its metrics' real last points (timestamp and step) from its history.</summary>
    public static MlflowRunView Of(RunSummary run, IReadOnlyList<MetricPoint> history)
    {
        var view = Of(run);
        var metrics = history.GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => Latest(g.Key, [.. g])).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        return view with { Metrics = metrics };
    }

    public static string ExperimentIdOf(IReadOnlyDictionary<string, string> tags) =>
        MlflowValues.ExperimentId(tags.TryGetValue(MlflowValues.ExperimentTag, out var name) && name.Length > 0 ? name : MlflowValues.DefaultExperiment);

    private static SortedDictionary<string, string> WithSystemTags(IReadOnlyDictionary<string, string> tags, string name, string? parent)
    {
        var result = new SortedDictionary<string, string>(tags.ToDictionary(), StringComparer.Ordinal);
        result.TryAdd(MlflowValues.RunNameTag, name);
        if (parent is not null)
            result.TryAdd(MlflowValues.ParentTag, parent);
        return result;
    }

    /// <summary>The latest point by MLflow's rule: the greatest (step, timestamp), the last logged among equals.</summary>
    private static MlflowMetric Latest(string key, IReadOnlyList<MetricPoint> points)
    {
        var best = points[0];
        foreach (var p in points)
            if ((p.Step ?? 0) > (best.Step ?? 0) || ((p.Step ?? 0) == (best.Step ?? 0) && (p.Timestamp ?? default) >= (best.Timestamp ?? default)))
                best = p;
        return MlflowMetric.Of(best);
    }

    public void WriteRun(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WritePropertyName("info");
        WriteInfo(json);
        json.WriteStartObject("data");
        json.WriteStartArray("metrics");
        foreach (var metric in Metrics)
            metric.Write(json);
        json.WriteEndArray();
        WritePairs(json, "params", Params);
        WritePairs(json, "tags", Tags);
        json.WriteEndObject();
        json.WriteStartObject("inputs");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public void WriteInfo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("run_id", Id);
        json.WriteString("run_uuid", Id);
        json.WriteString("run_name", Name);
        json.WriteString("experiment_id", ExperimentId);
        json.WriteString("user_id", Tags.TryGetValue("mlflow.user", out var user) ? user : "");
        json.WriteString("status", Status);
        json.WriteNumber("start_time", StartTime);
        if (EndTime is { } end)
            json.WriteNumber("end_time", end);
        json.WriteString("artifact_uri", ArtifactUri);
        json.WriteString("lifecycle_stage", Deleted ? "deleted" : "active");
        json.WriteEndObject();
    }

    private static void WritePairs(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> pairs)
    {
        json.WriteStartArray(name);
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("key", key);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
