using System.Text.Json;
using GitTrack.Core.Runs;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// The JSON that <c>ls --json</c> and <c>show --json</c> print. Numbers are JSON numbers, except NaN and
/// infinities, which JSON cannot hold: they are written as the strings "nan", "inf" and "-inf".
/// </summary>
public static class RunJson
{
    public static void WriteSummary(Utf8JsonWriter json, RunSummary run)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", Formats.Status(run.Status));
        WriteNullable(json, "exit_code", run.ExitCode);
        json.WriteString("started_at", run.StartedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        if (run.EndedAt is { } ended)
            json.WriteString("ended_at", ended.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        else
            json.WriteNull("ended_at");
        if (run.Duration is { } duration)
            json.WriteNumber("duration_s", duration.TotalSeconds);
        else
            json.WriteNull("duration_s");
        json.WriteStartObject("source");
        json.WriteString("commit", run.SourceCommit);
        json.WriteString("branch", run.SourceBranch);
        json.WriteEndObject();
        json.WriteString("parent", run.Parent);
        json.WriteString("note", run.Note);
        if (run.DeletedAt is { } removed)
            json.WriteString("removed_at", removed.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        RunJsonValues.WriteParams(json, run.Params);
        RunJsonValues.WriteNumbers(json, "metrics", run.Metrics);
        RunJsonValues.WriteStrings(json, "tags", run.Tags);
        json.WriteEndObject();
    }

    public static void WriteRecord(Utf8JsonWriter json, RunRecord run, IReadOnlyList<MetricSummary> history,
        IReadOnlyList<string>? children = null, DateTimeOffset? removedAt = null)
    {
        json.WriteStartObject();
        json.WriteNumber("schema", run.Schema);
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        json.WriteString("status", Formats.Status(run.Status));
        WriteNullable(json, "exit_code", run.ExitCode);
        json.WriteString("error", run.Error);
        json.WriteString("started_at", run.StartedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("ended_at", run.EndedAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        if (run.Duration is { } duration)
            json.WriteNumber("duration_s", duration.TotalSeconds);
        else
            json.WriteNull("duration_s");
        json.WriteStartArray("command");
        foreach (var arg in run.Command)
            json.WriteStringValue(arg);
        json.WriteEndArray();
        json.WriteString("working_directory", run.WorkingDirectory);
        json.WriteString("note", run.Note);
        json.WriteString("parent", run.Parent);
        json.WriteString("reproduces", run.Reproduces);
        if (children is not null)
        {
            json.WriteStartArray("children");
            foreach (var child in children)
                json.WriteStringValue(child);
            json.WriteEndArray();
            json.WriteString("removed_at", removedAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        RunJsonValues.WriteSource(json, run.Source);

        if (run.Process is { } process)
        {
            json.WriteStartObject("process");
            json.WriteNumber("pid", process.Pid);
            json.WriteString("host", process.Host);
            json.WriteString("boot_id", process.BootId);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("process");
        }

        if (run.Host is { } host)
        {
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
        else
        {
            json.WriteNull("host");
        }

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

    private static void WriteNullable(Utf8JsonWriter json, string key, int? value)
    {
        if (value is { } v)
            json.WriteNumber(key, v);
        else
            json.WriteNull(key);
    }

    /// <summary>Runs <paramref name="write"/> over a writer to <paramref name="output"/>, indented, then a newline.</summary>
    public static void To(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
