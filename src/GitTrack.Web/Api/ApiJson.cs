using System.Globalization;
using System.Text.Json;
using GitTrack.Core.Runs;
using GitTrack.Web.Charts;

namespace GitTrack.Web.Api;

/// <summary>
/// The JSON the API answers with (snake_case, as <c>gittrack ls/show --json</c>). NaN and infinities cannot be JSON
/// numbers: in params and metrics they are the strings "nan", "inf", "-inf"; in chart series they are null (a gap).
/// </summary>
internal static class ApiJson
{
    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static void WriteSummary(Utf8JsonWriter json, RunSummary run)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", Status(run.Status));
        if (run.ExitCode is { } code) json.WriteNumber("exit_code", code); else json.WriteNull("exit_code");
        json.WriteString("started_at", Time(run.StartedAt));
        json.WriteString("ended_at", run.EndedAt is { } ended ? Time(ended) : null);
        if (run.Duration is { } duration) json.WriteNumber("duration_s", duration.TotalSeconds); else json.WriteNull("duration_s");
        json.WriteString("parent", run.Parent);
        RunJsonValues.WriteParams(json, run.Params);
        RunJsonValues.WriteNumbers(json, "metrics", run.Metrics);
        RunJsonValues.WriteStrings(json, "tags", run.Tags);
        json.WriteEndObject();
    }

    public static void WriteRecord(Utf8JsonWriter json, RunRecord run, IReadOnlyList<MetricSummary> history)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", Status(run.Status));
        if (run.ExitCode is { } code) json.WriteNumber("exit_code", code); else json.WriteNull("exit_code");
        json.WriteString("error", run.Error);
        json.WriteString("started_at", Time(run.StartedAt));
        json.WriteString("ended_at", run.EndedAt is { } ended ? Time(ended) : null);
        if (run.Duration is { } duration) json.WriteNumber("duration_s", duration.TotalSeconds); else json.WriteNull("duration_s");
        json.WriteStartArray("command");
        foreach (var arg in run.Command)
            json.WriteStringValue(arg);
        json.WriteEndArray();
        json.WriteString("working_directory", run.WorkingDirectory);
        json.WriteString("note", run.Note);
        json.WriteString("parent", run.Parent);
        json.WriteString("reproduces", run.Reproduces);
        RunJsonValues.WriteSource(json, run.Source);
        if (run.Host is { } host)
        {
            json.WriteStartObject("host");
            json.WriteString("hostname", host.Hostname);
            json.WriteString("os", string.Join(' ', new[] { host.Os, host.Kernel, host.Arch }.Where(s => !string.IsNullOrEmpty(s))));
            json.WriteString("cpu", host.Cpu);
            json.WriteNumber("cores", host.Cores);
            json.WriteNumber("memory_bytes", host.MemoryBytes);
            json.WriteStartArray("gpus");
            foreach (var gpu in host.Gpus)
                json.WriteStringValue($"{gpu.Name} ({gpu.MemoryMiB} MiB)");
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("host");
        }
        RunJsonValues.WriteStrings(json, "runtimes", run.Runtimes);
        RunJsonValues.WriteStrings(json, "env", run.Environment);
        RunJsonValues.WriteParams(json, run.Params);
        RunJsonValues.WriteNumbers(json, "metrics", run.Metrics);
        RunJsonValues.WriteStrings(json, "tags", run.Tags);
        json.WriteStartArray("history");
        foreach (var metric in history)
        {
            json.WriteStartObject();
            json.WriteString("name", metric.Name);
            json.WriteNumber("count", metric.Count);
            RunJsonValues.WriteNumber(json, "min", metric.Min);
            RunJsonValues.WriteNumber(json, "max", metric.Max);
            RunJsonValues.WriteNumber(json, "last", metric.Last);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("artifacts");
        foreach (var artifact in run.Artifacts)
            WriteArtifact(json, artifact);
        json.WriteEndArray();
        if (run.Log is { } log)
        {
            json.WritePropertyName("log");
            WriteArtifact(json, log);
        }
        else
        {
            json.WriteNull("log");
        }
        json.WriteEndObject();
    }

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

    private static void WriteArtifact(Utf8JsonWriter json, ArtifactEntry artifact)
    {
        json.WriteStartObject();
        json.WriteString("path", artifact.Path);
        json.WriteString("key", artifact.Key.ToString());
        json.WriteNumber("size", artifact.Size);
        json.WriteEndObject();
    }
}
