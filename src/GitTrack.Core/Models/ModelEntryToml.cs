using System.Text;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using Tomlyn;
using Tomlyn.Model;

namespace GitTrack.Core.Models;

/// <summary>
/// The registry's entry files (docs/format.md "Models") to and from records. Writing is deterministic; reading
/// treats the text as a stranger's: schema, every field's type, names and ids are checked, and anything else is a
/// reason the entry is skipped (returned as text, never thrown).
/// </summary>
internal static class ModelEntryToml
{
    public const int Schema = 1;
    /// <summary>Version numbers and clocks above this are refused on read (no wrap-around, no giant tables).</summary>
    public const long MaxCounter = 1_000_000_000;

    public static string Write(ModelVersionEntry entry)
    {
        var sb = new StringBuilder(512);
        Line(sb, "schema", TomlText.Integer(Schema));
        Line(sb, "id", TomlText.String(entry.Id));
        Line(sb, "model", TomlText.String(entry.Model));
        Line(sb, "run", TomlText.String(entry.Run));
        Line(sb, "artifact", TomlText.String(entry.Artifact));
        Line(sb, "blake3", TomlText.String(entry.Key.ToString()));
        Line(sb, "size", TomlText.Integer(entry.Size));
        Line(sb, "registered_at", TomlText.DateTime(entry.RegisteredAt));
        Line(sb, "clock", TomlText.Integer(entry.Clock));
        Line(sb, "number", TomlText.Integer(entry.Claimed));
        return sb.ToString();
    }

    public static string Write(ModelAliasEntry entry)
    {
        var sb = new StringBuilder(512);
        Line(sb, "schema", TomlText.Integer(Schema));
        Line(sb, "id", TomlText.String(entry.Id));
        Line(sb, "model", TomlText.String(entry.Model));
        Line(sb, "alias", TomlText.String(entry.Alias));
        Line(sb, "version_entry", TomlText.String(entry.VersionEntry));
        Line(sb, "version", TomlText.Integer(entry.Version));
        Line(sb, "assigned_at", TomlText.DateTime(entry.AssignedAt));
        Line(sb, "clock", TomlText.Integer(entry.Clock));
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append(" = ").Append(value).Append('\n');

    /// <summary>A version entry of model <paramref name="model"/> stored as <paramref name="fileId"/>.toml, or null and why not.</summary>
    public static ModelVersionEntry? ReadVersion(string text, string model, string fileId, out string? problem)
    {
        if (Parse(text, model, fileId, out problem) is not { } table)
            return null;
        try
        {
            var run = Get<string>(table, "run");
            var artifact = Get<string>(table, "artifact");
            var key = Get<string>(table, "blake3");
            var size = Get<long>(table, "size");
            var clock = Get<long>(table, "clock");
            var number = Get<long>(table, "number");
            var at = Time(table, "registered_at");
            problem = !RunId.IsValid(run) ? $"run '{run}' is not a run id"
                : !IsRelativePath(artifact) ? $"artifact path '{artifact}' is not a relative path inside the work tree"
                : key.Length != 64 || !Blake3Hash.TryParse(key, out _) ? "blake3 is not 64 hex digits"
                : size < 0 ? "size is negative"
                : clock is < 1 or > MaxCounter ? $"clock {clock} is out of range (1 to {MaxCounter})"
                : number is < 1 or > MaxCounter ? $"number {number} is out of range (1 to {MaxCounter})"
                : null;
            return problem is null ? new ModelVersionEntry(fileId, model, run, artifact, Blake3Hash.Parse(key), size, at, clock, number) : null;
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>An alias entry of model <paramref name="model"/> stored as <paramref name="fileId"/>.toml, or null and why not.</summary>
    public static ModelAliasEntry? ReadAlias(string text, string model, string fileId, out string? problem)
    {
        if (Parse(text, model, fileId, out problem) is not { } table)
            return null;
        try
        {
            var alias = Get<string>(table, "alias");
            var versionEntry = Get<string>(table, "version_entry");
            var version = Get<long>(table, "version");
            var clock = Get<long>(table, "clock");
            var at = Time(table, "assigned_at");
            problem = !ModelNames.IsAlias(alias) ? $"alias '{alias}' is not a usable alias name"
                : !ModelNames.IsEntryId(versionEntry) ? "version_entry is not an entry id"
                : version is < 1 or > MaxCounter ? $"version {version} is out of range"
                : clock is < 1 or > MaxCounter ? $"clock {clock} is out of range (1 to {MaxCounter})"
                : null;
            return problem is null ? new ModelAliasEntry(fileId, model, alias, versionEntry, version, at, clock) : null;
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static TomlTable? Parse(string text, string model, string fileId, out string? problem)
    {
        TomlTable table;
        try
        {
            table = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            problem = $"not valid TOML: {e.Message.Split('\n', 2)[0].Trim()}";
            return null;
        }
        try
        {
            var schema = Get<long>(table, "schema");
            problem = schema != Schema ? $"schema {schema} is not supported (this gittrack reads schema {Schema})"
                : Get<string>(table, "id") != fileId ? "id differs from the file name"
                : Get<string>(table, "model") != model ? "model differs from its folder"
                : null;
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
        }
        return problem is null ? table : null;
    }

    private static T Get<T>(TomlTable table, string key) =>
        table.TryGetValue(key, out var value) ? value is T typed ? typed : throw new InvalidDataException($"field '{key}' has the wrong type")
            : throw new InvalidDataException($"lacks required field '{key}'");

    private static DateTimeOffset Time(TomlTable table, string key)
    {
        var value = Get<TomlDateTime>(table, key);
        return value.Kind is TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber
            ? value.DateTime : throw new InvalidDataException($"{key} must be an offset date-time");
    }

    /// <summary>The manifest's rule for stored paths: relative, '/', no empty, '.' or '..' segment, no '\', ':' or control character.</summary>
    internal static bool IsRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains(':') && !path.Any(char.IsControl)
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));
}
