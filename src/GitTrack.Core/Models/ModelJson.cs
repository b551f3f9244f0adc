using System.Text.Json;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Models;

/// <summary>
/// The JSON of the registry: <c>gittrack model ls/show --json</c> and the web UI's <c>GET /api/models</c> write the
/// same shapes. Each version carries its run's summary (<see cref="RunJson.WriteSummary"/>), or null when the run is
/// not on this branch.
/// </summary>
public static class ModelJson
{
    public static void WriteModel(Utf8JsonWriter json, RegisteredModel model, IReadOnlyDictionary<string, RunSummary> runs)
    {
        json.WriteStartObject();
        json.WriteString("name", model.Name);
        json.WriteNumber("latest", model.Latest?.Number ?? 0);
        json.WriteStartObject("aliases");
        foreach (var (alias, version) in model.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
            json.WriteNumber(alias, version.Number);
        json.WriteEndObject();
        json.WriteStartArray("versions");
        foreach (var version in model.Versions)
            WriteVersion(json, version, runs);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteVersion(Utf8JsonWriter json, ModelVersion version, IReadOnlyDictionary<string, RunSummary> runs)
    {
        json.WriteStartObject();
        json.WriteString("model", version.Model);
        json.WriteNumber("version", version.Number);
        json.WriteString("entry", version.Entry.Id);
        json.WriteStartArray("aliases");
        foreach (var alias in version.Aliases)
            json.WriteStringValue(alias);
        json.WriteEndArray();
        json.WriteString("run_id", version.Entry.Run);
        json.WriteString("artifact", version.Entry.Artifact);
        json.WriteString("blake3", version.Entry.Key.ToString());
        json.WriteNumber("size", version.Entry.Size);
        json.WriteString("registered_at", RunJson.Time(version.Entry.RegisteredAt));
        json.WritePropertyName("run");
        if (runs.TryGetValue(version.Entry.Run, out var run))
            RunJson.WriteSummary(json, run);
        else
            json.WriteNullValue();
        json.WriteEndObject();
    }
}
