using System.Text.Json;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// The NuGet packages a .NET program resolved: the <c>libraries</c> of type <c>package</c> in the project's
/// <c>obj/project.assets.json</c> (<c>dotnet run</c>, <c>dotnet test</c>: the project named by <c>--project</c> or the
/// one in the working folder), or in an application's <c>*.deps.json</c> (<c>dotnet app.dll</c>, an apphost).
/// </summary>
internal static class DotnetPackages
{
    /// <summary>The assets or deps file for <paramref name="command"/>, or null when it does not run .NET code found here.</summary>
    public static string? AssetsFile(IReadOnlyList<string> command, string workingDirectory, string? programPath)
    {
        if (command.Count == 0)
            return null;
        var first = Path.GetFileName(command[0]);
        if (first is "dotnet" or "dotnet.exe")
        {
            if (command.Count > 1 && command[1].EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                return DepsOf(Path.GetFullPath(command[1], workingDirectory));
            var project = workingDirectory;
            for (var i = 1; i < command.Count - 1; i++)
                if (command[i] is "--project" or "-p")
                    project = Path.GetFullPath(command[i + 1], workingDirectory);
            if (File.Exists(project))
                project = Path.GetDirectoryName(project)!;
            var assets = Path.Combine(project, "obj", "project.assets.json");
            return File.Exists(assets) ? assets : null;
        }
        // An apphost: the program with its .deps.json beside it.
        return programPath is null ? null : DepsOf(programPath);
    }

    private static string? DepsOf(string program)
    {
        var deps = Path.ChangeExtension(program, null) + ".deps.json";
        return File.Exists(deps) ? deps : null;
    }

    public static IEnumerable<Package> Read(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var result = new List<Package>();
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return [];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("libraries"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                    return [];
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var id = reader.GetString() ?? "";
                    reader.Read();
                    var isPackage = false;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var depth = reader.CurrentDepth;
                        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
                        {
                            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("type"u8))
                            {
                                reader.Read();
                                isPackage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("package"u8);
                            }
                            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                                reader.Skip();
                        }
                    }
                    else
                        reader.Skip();
                    var slash = id.IndexOf('/');
                    if (isPackage && slash > 0 && slash < id.Length - 1)
                        result.Add(new Package("nuget", id[..slash], id[(slash + 1)..]));
                }
                break;
            }
        }
        catch (JsonException)
        {
            return [];
        }
        return result;
    }
}
