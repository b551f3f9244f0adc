using System.Globalization;
using System.Text;
using System.Text.Json;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using Tomlyn;
using Tomlyn.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// Reads the spaces of a sweep from a file (<c>--params-file</c>): TOML, YAML or JSON by extension. Nested tables
/// flatten to dotted names as for <c>gittrack run --params-file</c>; an array is a list of values (its strings are
/// strings, YAML's unquoted scalars are typed as <c>-p</c> types them); a number or boolean is a fixed value; a
/// string is read with the command line's space syntax (<c>"2..8"</c>, <c>"loguniform(1e-4,1e-1)"</c>,
/// <c>"0.1,0.01"</c>, <c>adam</c>).
/// </summary>
public static class SweepFile
{
    /// <summary>The file's spaces in file order.</summary>
    public static List<ParamSpace> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"sweep file not found: {path}", "check the path given to --params-file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot read sweep file {path}: {e.Message}", null, e);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".toml" => ParseToml(text, path),
            ".yaml" or ".yml" => ParseYaml(text, path),
            ".json" => ParseJson(text, path),
            _ => throw new InvalidInputException($"unknown sweep file type '{extension}': {path}", "use a .toml, .yaml, .yml or .json file"),
        };
    }

    public static List<ParamSpace> ParseToml(string text, string source = "sweep file")
    {
        TomlTable table;
        try
        {
            table = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            throw new InvalidInputException($"invalid TOML in {source}: {e.Message.Split('\n')[0].Trim()}", "fix the file", e);
        }
        return Flatten(FromToml(table), source);
    }

    public static List<ParamSpace> ParseYaml(string text, string source = "sweep file")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidInputException($"invalid YAML in {source} at line {e.Start.Line}: {e.Message}", "fix the file", e);
        }
        catch (ArgumentException e) // a key repeated in one mapping
        {
            throw new InvalidInputException($"invalid YAML in {source}: {e.Message}", "fix the file", e);
        }
        if (stream.Documents.Count == 0)
            return [];
        return Flatten(FromYaml(stream.Documents[0].RootNode), source);
    }

    public static List<ParamSpace> ParseJson(string text, string source = "sweep file")
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return Flatten(FromJson(document.RootElement), source);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"invalid JSON in {source}: {e.Message}", "fix the file", e);
        }
    }

    // A neutral tree, as in ParamsParser: List<KeyValuePair<string, object?>> for tables, List<object?> for arrays,
    // long/double/bool/string values, Plain for YAML's unquoted scalars (typed like -p values inside a list), null.
    private sealed record Plain(string Value);

    private static object? FromToml(object? value) => value switch
    {
        TomlTable table => table.Select(kv => new KeyValuePair<string, object?>(kv.Key, FromToml(kv.Value))).ToList(),
        TomlTableArray tables => tables.Select(t => FromToml(t)).ToList(),
        TomlArray array => array.Select(FromToml).ToList(),
        long or double or bool or string or null => value,
        int i => (long)i,
        float f => (double)f,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture), // dates and times
        _ => value.ToString() ?? "",
    };

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value))).ToList(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString() ?? "",
        JsonValueKind.Number => element.TryGetInt64(out var l) && !element.GetRawText().Contains('.') ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static object? FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.Select(kv => new KeyValuePair<string, object?>(
            kv.Key is YamlScalarNode { Value: { } key } ? key : throw new InvalidInputException("YAML keys must be scalars", "use plain keys such as lr:"),
            FromYaml(kv.Value))).ToList(),
        YamlSequenceNode sequence => sequence.Children.Select(FromYaml).ToList(),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => new Plain(scalar.Value!),
        YamlScalarNode scalar => scalar.Value ?? "",
        _ => null,
    };

    private static List<ParamSpace> Flatten(object? root, string source)
    {
        if (root is not List<KeyValuePair<string, object?>> table)
            throw new InvalidInputException($"{source} must hold a table of params at the top level", "write name = space pairs (or a mapping, or a JSON object)");
        var spaces = new List<ParamSpace>();
        FlattenInto(spaces, "", table, source);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var space in spaces)
            if (!seen.Add(space.Name))
                throw new InvalidInputException($"{source} defines param '{space.Name}' twice", "keep one of them");
        return spaces;
    }

    private static void FlattenInto(List<ParamSpace> spaces, string prefix, List<KeyValuePair<string, object?>> table, string source)
    {
        foreach (var (key, value) in table)
        {
            // Checked as gittrack run checks a param's name.
            var name = Runs.Capture.ParamsParser.ParseArgument(prefix + key + "=").Key;
            switch (value)
            {
                case null:
                    continue;
                case List<KeyValuePair<string, object?>> nested:
                    FlattenInto(spaces, name + ".", nested, source);
                    break;
                case List<object?> array:
                    spaces.Add(SpaceParser.FromValues(name, array.Select(item => item switch
                    {
                        long or double or bool or string => item,
                        Plain plain => Runs.Capture.ParamValue.Infer(plain.Value),
                        _ => throw new InvalidInputException($"param '{name}' in {source}: a list holds only numbers, booleans and strings",
                            "write nested lists as strings"),
                    }).ToList()));
                    break;
                case Plain plain:
                    spaces.Add(SpaceParser.Parse(name, plain.Value));
                    break;
                case string text:
                    spaces.Add(SpaceParser.Parse(name, text));
                    break;
                default:
                    spaces.Add(new ValueListSpace(name, [value]));
                    break;
            }
        }
    }
}
