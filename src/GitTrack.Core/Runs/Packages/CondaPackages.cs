using System.Text.Json;

namespace GitTrack.Core.Runs.Packages;

/// <summary>The packages of a conda environment: the <c>name</c> and <c>version</c> of each <c>conda-meta/*.json</c> record.</summary>
internal static class CondaPackages
{
    public static bool IsEnvironment(string prefix) => Directory.Exists(Path.Combine(prefix, "conda-meta"));

    public static IEnumerable<Package> Read(string prefix)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(Path.Combine(prefix, "conda-meta"), "*.json");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (ReadRecord(file) is { } package)
                yield return package;
        }
    }

    private static Package? ReadRecord(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            string? name = null, version = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isVersion = reader.ValueTextEquals("version"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                    name = reader.GetString();
                else if (isVersion && reader.TokenType == JsonTokenType.String)
                    version = reader.GetString();
                else
                    reader.Skip();
                if (name is not null && version is not null)
                    break;
            }
            return string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version) ? null : new Package("conda", name, version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
