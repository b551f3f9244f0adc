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
        WriteParams(json, run.Params);
        WriteNumbers(json, "metrics", run.Metrics);
        WriteStrings(json, "tags", run.Tags);
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
        json.WriteStartObject("source");
        json.WriteString("commit", run.Source.Commit);
        json.WriteString("branch", run.Source.Branch);
        json.WriteString("remote", run.Source.Remote);
        json.WriteBoolean("dirty", run.Source.Dirty);
        json.WriteString("tree", run.Source.Tree);
        json.WriteStartArray("skipped");
        foreach (var path in run.Source.SkippedFiles)
            json.WriteStringValue(path);
        json.WriteEndArray();
        json.WriteEndObject();
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
        WriteStrings(json, "runtimes", run.Runtimes);
        WriteStrings(json, "env", run.Environment);
        WriteParams(json, run.Params);
        WriteNumbers(json, "metrics", run.Metrics);
        WriteStrings(json, "tags", run.Tags);
        json.WriteStartArray("history");
        foreach (var metric in history)
        {
            json.WriteStartObject();
            json.WriteString("name", metric.Name);
            json.WriteNumber("count", metric.Count);
            WriteNumber(json, "min", metric.Min);
            WriteNumber(json, "max", metric.Max);
            WriteNumber(json, "last", metric.Last);
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

    private static void WriteParams(Utf8JsonWriter json, IReadOnlyDictionary<string, object> parameters)
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

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
            WriteNumber(json, key, value);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
            json.WriteString(key, value);
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumber(name, value);
        else
            json.WriteString(name, double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");
    }
}
