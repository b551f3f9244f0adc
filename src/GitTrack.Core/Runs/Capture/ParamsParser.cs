using System.Globalization;
using System.Text;
using System.Text.Json;
using GitTrack.Core.Errors;
using Tomlyn;
using Tomlyn.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Reads a run's parameters: <c>--param K=V</c> arguments and <c>--params-file</c> files (TOML, YAML or JSON by
/// extension). Nested tables flatten to dotted keys (<c>model.max_depth</c>); arrays become their compact JSON
/// text (<c>[1,2,3]</c>); nulls are left out. Values are <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/> or <see cref="string"/>. Bad input throws <see cref="InvalidInputException"/>.
/// </summary>
public static class ParamsParser
{
    /// <summary>Parses one <c>--param</c> argument, <c>KEY=VALUE</c> (the value typed by <see cref="ParamValue.Infer"/>).</summary>
    public static KeyValuePair<string, object> ParseArgument(string argument)
    {
        int equals = argument.IndexOf('=');
        if (equals < 0)
            throw new InvalidInputException($"invalid --param '{argument}': expected KEY=VALUE", "write it as --param lr=0.01");
        var key = argument[..equals];
        CheckKey(key, $"--param '{argument}'");
        return new(key, ParamValue.Infer(argument[(equals + 1)..]));
    }

    /// <summary>Parses every <c>--param</c> argument; a key given twice keeps its last value, as with most CLIs.</summary>
    public static SortedDictionary<string, object> ParseArguments(IEnumerable<string> arguments)
    {
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var (key, value) = ParseArgument(argument);
            result[key] = value;
        }
        return result;
    }

    /// <summary>Reads a params file; its type comes from the extension (.toml, .yaml/.yml, .json).</summary>
    public static SortedDictionary<string, object> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"params file not found: {path}", "check the path given to --params-file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot read params file {path}: {e.Message}", null, e);
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".toml" => ParseToml(text, path),
            ".yaml" or ".yml" => ParseYaml(text, path),
            ".json" => ParseJson(text, path),
            _ => throw new InvalidInputException($"unknown params file type '{extension}': {path}",
                "use a .toml, .yaml, .yml or .json file"),
        };
    }

    /// <summary>Params from a file overridden by those from the command line.</summary>
    public static SortedDictionary<string, object> Combine(IReadOnlyDictionary<string, object>? fileParams, IReadOnlyDictionary<string, object>? argumentParams)
    {
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var source in new[] { fileParams, argumentParams })
            if (source is not null)
                foreach (var (key, value) in source)
                    result[key] = value;
        return result;
    }

    public static SortedDictionary<string, object> ParseToml(string text, string sourceName = "params file")
    {
        TomlTable table;
        try
        {
            table = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            throw new InvalidInputException($"invalid TOML in {sourceName}: {FirstLine(e.Message)}", "fix the file or pass the values with --param", e);
        }
        return Flatten(FromToml(table), sourceName);
    }

    public static SortedDictionary<string, object> ParseYaml(string text, string sourceName = "params file")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidInputException($"invalid YAML in {sourceName} at line {e.Start.Line}: {e.Message}", "fix the file or pass the values with --param", e);
        }
        catch (ArgumentException e) // a key repeated in one mapping
        {
            throw new InvalidInputException($"invalid YAML in {sourceName}: {e.Message}", "fix the file or pass the values with --param", e);
        }
        if (stream.Documents.Count == 0)
            return new SortedDictionary<string, object>(StringComparer.Ordinal);
        var root = FromYaml(stream.Documents[0].RootNode);
        if (root is null)
            return new SortedDictionary<string, object>(StringComparer.Ordinal);
        return Flatten(root, sourceName);
    }

    public static SortedDictionary<string, object> ParseJson(string text, string sourceName = "params file")
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
            return Flatten(FromJson(document.RootElement), sourceName);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"invalid JSON in {sourceName}: {e.Message}", "fix the file or pass the values with --param", e);
        }
    }

    // The three formats are first read into one neutral tree: List<KeyValuePair<string, object?>> for tables,
    // List<object?> for arrays, long/double/bool/string scalars, null.

    private static object? FromToml(object? value) => value switch
    {
        TomlTable table => table.Select(kv => new KeyValuePair<string, object?>(kv.Key, FromToml(kv.Value))).ToList(),
        TomlTableArray tables => tables.Select(t => FromToml(t)).ToList(),
        TomlArray array => array.Select(FromToml).ToList(),
        long or double or bool or string or null => value,
        int i => (long)i,
        float f => (double)f,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture), // dates and times
        _ => value.ToString(),
    };

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value))).ToList(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static object? FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode map => FromYamlMapping(map),
        YamlSequenceNode sequence => sequence.Children.Select(FromYaml).ToList(),
        YamlScalarNode scalar when scalar.Style == ScalarStyle.Plain => YamlPlainScalar(scalar.Value ?? ""),
        YamlScalarNode scalar => scalar.Value ?? "",
        _ => null,
    };

    // Merge keys (<<: *base) copy the entries of the aliased mappings that the mapping does not set itself; with a
    // list of mappings, the first that sets a key wins (the YAML merge key rules).
    private static List<KeyValuePair<string, object?>> FromYamlMapping(YamlMappingNode map)
    {
        var entries = new List<KeyValuePair<string, object?>>();
        var merged = new List<KeyValuePair<string, object?>>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: var key })
                throw new InvalidInputException("YAML keys must be scalars", "use plain keys such as lr: or model:");
            if (key == "<<" && ((YamlScalarNode)keyNode).Style == ScalarStyle.Plain)
            {
                var sources = valueNode is YamlSequenceNode sequence ? sequence.Children : [valueNode];
                foreach (var source in sources.OfType<YamlMappingNode>())
                    foreach (var entry in FromYamlMapping(source))
                        if (!merged.Exists(m => m.Key == entry.Key))
                            merged.Add(entry);
                continue;
            }
            entries.Add(new(key ?? "", FromYaml(valueNode)));
        }
        foreach (var entry in merged)
            if (!entries.Exists(e => e.Key == entry.Key))
                entries.Add(entry);
        return entries;
    }

    // YAML 1.2 core schema: null, ~ and empty are null, 0x.. is hexadecimal, 007 is 7; otherwise the --param
    // rules (which include .inf and .nan).
    private static object? YamlPlainScalar(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return hex;
        var typed = ParamValue.InferUnquoted(text);
        if (typed is string && text.Length > 1 && text[0] == '0'
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var withLeadingZeros))
            return withLeadingZeros;
        return typed;
    }

    private static SortedDictionary<string, object> Flatten(object? root, string sourceName)
    {
        if (root is not List<KeyValuePair<string, object?>> table)
            throw new InvalidInputException($"{sourceName} must hold a table of parameters at the top level", "write key = value pairs (or a mapping, or a JSON object)");
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
        FlattenInto(result, "", table, sourceName);
        return result;
    }

    private static void FlattenInto(SortedDictionary<string, object> result, string prefix, List<KeyValuePair<string, object?>> table, string sourceName)
    {
        foreach (var (name, item) in table)
        {
            var value = item;
            var key = prefix + name;
            CheckKey(key, $"key '{key}' in {sourceName}");
            switch (value)
            {
                case null:
                    continue;
                case List<KeyValuePair<string, object?>> nested:
                    FlattenInto(result, key + ".", nested, sourceName);
                    continue;
                case List<object?> array:
                    value = ToJsonText(array);
                    break;
            }
            if (!result.TryAdd(key, value!))
                throw new InvalidInputException($"{sourceName} defines '{key}' twice", "a dotted key and a nested table flatten to the same name; keep one");
        }
    }

    private static string ToJsonText(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteJson(writer, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case List<KeyValuePair<string, object?>> table:
                writer.WriteStartObject();
                foreach (var (key, item) in table)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }
                writer.WriteEndObject();
                break;
            case List<object?> array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteJson(writer, item);
                writer.WriteEndArray();
                break;
            default:
                ParamsFileWriter.WriteValue(writer, value);
                break;
        }
    }

    private static void CheckKey(string key, string what)
    {
        if (key.Length == 0 || key.Trim().Length != key.Length)
            throw new InvalidInputException($"invalid {what}: the key is empty or has spaces around it", "write it as --param lr=0.01");
        if (key.StartsWith('.') || key.EndsWith('.') || key.Contains("..", StringComparison.Ordinal))
            throw new InvalidInputException($"invalid {what}: the key has an empty part between dots", "write dotted keys as model.max_depth");
        foreach (var c in key)
            if (char.IsControl(c))
                throw new InvalidInputException($"invalid {what}: the key holds a control character", null);
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return (newline < 0 ? text : text[..newline]).Trim();
    }
}
