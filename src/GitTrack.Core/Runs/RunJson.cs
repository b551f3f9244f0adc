using System.Globalization;
using System.Text.Json;

namespace GitTrack.Core.Runs;

/// <summary>
/// The one JSON form of a run: <c>gittrack ls --json</c> and the web UI's <c>GET /api/runs</c> write its summary,
/// <c>gittrack show --json</c> and <c>GET /api/runs/RUN</c> its record (docs/ui.md lists the fields). Numbers are
/// JSON numbers, except NaN and infinities, which JSON cannot hold: they are the strings "nan", "inf" and "-inf".
/// </summary>
public static class RunJson
{
    /// <summary>A time as the JSON holds it: UTC, ISO 8601 with fractional seconds.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>One run as listed: what the local index holds, no manifest read.</summary>
    public static void WriteSummary(Utf8JsonWriter json, RunSummary run)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", ManifestToml.StatusText(run.Status));
        WriteNullable(json, "exit_code", run.ExitCode);
        json.WriteString("started_at", Time(run.StartedAt));
        json.WriteString("ended_at", run.EndedAt is { } ended ? Time(ended) : null);
        WriteDuration(json, run.Duration);
        json.WriteStartObject("source");
        json.WriteString("commit", run.SourceCommit);
        json.WriteString("branch", run.SourceBranch);
        json.WriteEndObject();
        json.WriteString("parent", run.Parent);
        json.WriteString("note", run.Note);
        if (run.DeletedAt is { } removed)
            json.WriteString("removed_at", Time(removed));
        if (run.OnlyOn is { } remote)
            json.WriteString("only_on", remote);
        RunJsonValues.WriteParams(json, run.Params);
        RunJsonValues.WriteNumbers(json, "metrics", run.Metrics);
        RunJsonValues.WriteStrings(json, "tags", run.Tags);
        json.WriteEndObject();
    }

    /// <summary>
    /// Everything recorded about one run: its manifest, its metric histories summarised (an object keyed by metric
    /// name), the runs started inside it (<paramref name="children"/>, oldest first) and when it was hidden.
    /// </summary>
    public static void WriteRecord(Utf8JsonWriter json, RunRecord run, IReadOnlyList<MetricSummary> history,
        IReadOnlyList<string> children, DateTimeOffset? removedAt, string? onlyOn = null)
    {
        json.WriteStartObject();
        json.WriteNumber("schema", run.Schema);
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", ManifestToml.StatusText(run.Status));
        WriteNullable(json, "exit_code", run.ExitCode);
        json.WriteString("error", run.Error);
        json.WriteString("started_at", Time(run.StartedAt));
        json.WriteString("ended_at", run.EndedAt is { } ended ? Time(ended) : null);
        WriteDuration(json, run.Duration);
        json.WriteStartArray("command");
        foreach (var arg in run.Command)
            json.WriteStringValue(arg);
        json.WriteEndArray();
        json.WriteString("working_directory", run.WorkingDirectory);
        json.WriteString("note", run.Note);
        json.WriteString("parent", run.Parent);
        json.WriteString("reproduces", run.Reproduces);
        json.WriteStartArray("children");
        foreach (var child in children)
            json.WriteStringValue(child);
        json.WriteEndArray();
        json.WriteString("removed_at", removedAt is { } removed ? Time(removed) : null);
        if (onlyOn is not null)
            json.WriteString("only_on", onlyOn);

        RunJsonValues.WriteSource(json, run.Source);
        WriteProcess(json, run.Process);
        WriteHost(json, run.Host);
        RunJsonValues.WriteStrings(json, "runtimes", run.Runtimes);
        RunJsonValues.WriteStrings(json, "env", run.Environment);
        RunJsonValues.WriteParams(json, run.Params);
        RunJsonValues.WriteNumbers(json, "metrics", run.Metrics);
        RunJsonValues.WriteStrings(json, "tags", run.Tags);

        json.WriteStartObject("history");
        foreach (var metric in history)
        {
            json.WriteStartObject(metric.Name);
            json.WriteNumber("count", metric.Count);
            RunJsonValues.WriteNumber(json, "min", metric.Min);
            RunJsonValues.WriteNumber(json, "max", metric.Max);
            RunJsonValues.WriteNumber(json, "last", metric.Last);
            json.WriteEndObject();
        }
        json.WriteEndObject();

        json.WriteStartArray("artifacts");
        foreach (var artifact in run.Artifacts)
            WriteArtifact(json, artifact);
        json.WriteEndArray();
        json.WritePropertyName("log");
        if (run.Log is { } log)
            WriteArtifact(json, log);
        else
            json.WriteNullValue();
        json.WritePropertyName("environment");
        if (run.Packages is { } packages)
        {
            json.WriteStartObject();
            json.WriteString("packages", packages.Key);
            json.WriteNumber("count", packages.Count);
            json.WriteStartArray("sources");
            foreach (var source in packages.Sources)
                json.WriteStringValue(source);
            json.WriteEndArray();
            json.WriteStartArray("lock_files");
            foreach (var file in packages.LockFiles)
                json.WriteStringValue(file);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
            json.WriteNullValue();
        json.WriteStartArray("inputs");
        foreach (var input in run.Inputs)
        {
            json.WriteStartObject();
            json.WriteString("path", input.Path);
            json.WriteString("blake3", input.Key.ToString());
            json.WriteNumber("size", input.Size);
            json.WriteString("kind", input.IsFolder ? "folder" : "file");
            if (input.IsFolder)
                json.WriteNumber("files", input.Files);
            json.WriteBoolean("stored", input.Stored);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteProcess(Utf8JsonWriter json, ProcessInfo? process)
    {
        if (process is null)
        {
            json.WriteNull("process");
            return;
        }
        json.WriteStartObject("process");
        json.WriteNumber("pid", process.Pid);
        json.WriteString("host", process.Host);
        json.WriteString("boot_id", process.BootId);
        json.WriteEndObject();
    }

    private static void WriteHost(Utf8JsonWriter json, HostInfo? host)
    {
        if (host is null)
        {
            json.WriteNull("host");
            return;
        }
        json.WriteStartObject("host");
        json.WriteString("hostname", host.Hostname);
        json.WriteString("os", host.Os);
        json.WriteString("kernel", host.Kernel);
        json.WriteString("arch", host.Arch);
        json.WriteString("cpu", host.Cpu);
        json.WriteNumber("cores", host.Cores);
        json.WriteNumber("memory_bytes", host.MemoryBytes);
        json.WriteStartArray("gpus");
        foreach (var gpu in host.Gpus)
        {
            json.WriteStartObject();
            json.WriteString("name", gpu.Name);
            json.WriteNumber("memory_mib", gpu.MemoryMiB);
            json.WriteString("driver", gpu.Driver);
            json.WriteString("uuid", gpu.Uuid);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteArtifact(Utf8JsonWriter json, ArtifactEntry artifact)
    {
        json.WriteStartObject();
        json.WriteString("path", artifact.Path);
        json.WriteString("blake3", artifact.Key.ToString());
        json.WriteNumber("size", artifact.Size);
        json.WriteEndObject();
    }

    private static void WriteDuration(Utf8JsonWriter json, TimeSpan? duration)
    {
        if (duration is { } d)
            json.WriteNumber("duration_s", d.TotalSeconds);
        else
            json.WriteNull("duration_s");
    }

    private static void WriteNullable(Utf8JsonWriter json, string key, int? value)
    {
        if (value is { } v)
            json.WriteNumber(key, v);
        else
            json.WriteNull(key);
    }
}
