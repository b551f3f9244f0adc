using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitTrack.Core.Errors;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Serialization;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Reads a run's parameters: <c>--param K=V</c> arguments and <c>--params-file</c> files (TOML, YAML or JSON by
/// extension). Nested tables flatten to dotted keys (<c>model.max_depth</c>); arrays become their compact JSON
/// text (<c>[1,2,3]</c>); nulls are left out. Values are <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/> or <see cref="string"/>. Bad input throws <see cref="InvalidInputException"/>, one line that
/// names the file, the line and column, and what is wrong. A file is read within fixed limits, whatever it holds:
/// at most <see cref="MaxFileBytes"/>, nested at most <see cref="MaxDepth"/> deep, at most <see cref="MaxValues"/>
/// values (YAML aliases counted as what they stand for), so that memory and time stay bounded.
/// </summary>
public static partial class ParamsParser
{
    /// <summary>The largest params file read (16 MiB): training configs are kilobytes.</summary>
    public const int MaxFileBytes = 16 << 20;

    /// <summary>How deep tables and arrays may nest (64, System.Text.Json's and Tomlyn's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>The most values (tables, arrays and scalars, YAML aliases expanded) one params file may hold.</summary>
    public const long MaxValues = 100_000;

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
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".toml" or ".yaml" or ".yml" or ".json"))
            throw new InvalidInputException($"unknown params file type '{extension}': {path}", "use a .toml, .yaml, .yml or .json file");
        var text = ReadText(path);
        return extension switch
        {
            ".toml" => ParseToml(text, path),
            ".json" => ParseJson(text, path),
            _ => ParseYaml(text, path),
        };
    }

    // Read with a cap, not by the file's length: a FIFO or /dev/stdin has none.
    private static string ReadText(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            using var content = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                content.Write(chunk, 0, read);
                if (content.Length > MaxFileBytes)
                    throw new InvalidInputException($"params file {path} is over {MaxFileBytes >> 20} MiB",
                        "a params file holds settings; pass large data as a file path param or an --artifact");
            }
            return Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"params file not found: {path}", "check the path given to --params-file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot read params file {path}: {e.Message}", null, e);
        }
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
            table = TomlSerializer.Deserialize(text, ParamsTomlContext.Default.TomlTable) ?? new TomlTable();
            // The model keeps the last of a key defined twice; TOML says that is an error, which the syntax pass finds.
            SyntaxParser.ParseStrict(text, ParamsTomlContext.Default.Options, sourceName: "", validate: true);
        }
        catch (TomlException e)
        {
            throw TomlError(e, sourceName);
        }
        return Flatten(FromToml(table, 0, sourceName), sourceName);
    }

    public static SortedDictionary<string, object> ParseYaml(string text, string sourceName = "params file")
    {
        var root = YamlParamsReader.Read(text, sourceName);
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
                MaxDepth = MaxDepth,
            });
            return Flatten(FromJson(document.RootElement), sourceName);
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine count from 0; the message repeats them at its end.
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                message = message[..cut];
            if (message.Contains("maximum configured depth", StringComparison.Ordinal))
                message = $"nested more than {MaxDepth} deep";
            throw SyntaxError("JSON", sourceName, e.LineNumber + 1, e.BytePositionInLine + 1, message.Trim(), e);
        }
    }

    /// <summary>The one error for a params file that cannot be read: <c>invalid FORMAT in FILE at line L, column C: WHAT</c>.</summary>
    internal static InvalidInputException SyntaxError(string format, string sourceName, long? line, long? column, string what, Exception? inner) =>
        new($"invalid {format} in {sourceName}{(line is { } l ? $" at line {l}{(column is { } c ? $", column {c}" : "")}" : "")}: {what.TrimEnd('.')}",
            "fix the file or pass the values with --param", inner);

    // Tomlyn wraps the parser's error in the converter's ("Exception while trying to convert..."): the innermost
    // message says what is wrong, the deepest position where.
    private static InvalidInputException TomlError(TomlException error, string sourceName)
    {
        int? line = null, column = null;
        var message = error.Message;
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is not TomlException toml)
                continue;
            if (toml.Line is { } l)
                (line, column) = (l, toml.Column);
            message = toml.Message;
        }
        var reason = message.LastIndexOf("Reason: ", StringComparison.Ordinal);
        if (reason >= 0)
            message = message[(reason + 8)..];
        var position = TomlPosition().Match(message);
        if (position.Success)
        {
            line = int.Parse(position.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            column = int.Parse(position.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            message = message[position.Length..];
        }
        message = FirstLine(message);
        if (message.Contains("maximum depth", StringComparison.Ordinal))
            message = $"nested more than {MaxDepth} deep";
        return SyntaxError("TOML", sourceName, line, column, message, error);
    }

    [GeneratedRegex(@"^\((\d+),(\d+)\)\s*:\s*error\s*:\s*")]
    private static partial Regex TomlPosition();

    // The three formats are first read into one neutral tree: List<KeyValuePair<string, object?>> for tables,
    // List<object?> for arrays, long/double/bool/string scalars, null.

    private static object? FromToml(object? value, int depth, string sourceName)
    {
        if (depth > MaxDepth)
            throw SyntaxError("TOML", sourceName, null, null, $"nested more than {MaxDepth} deep", null);
        return value switch
        {
            TomlTable table => table.Select(kv => new KeyValuePair<string, object?>(kv.Key, FromToml(kv.Value, depth + 1, sourceName))).ToList(),
            TomlTableArray tables => tables.Select(t => FromToml(t, depth + 1, sourceName)).ToList(),
            TomlArray array => array.Select(item => FromToml(item, depth + 1, sourceName)).ToList(),
            long or double or bool or string or null => value,
            int i => (long)i,
            float f => (double)f,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture), // dates and times
            _ => value.ToString(),
        };
    }

    // JsonDocument has already refused anything nested deeper than MaxDepth.
    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value))).ToList(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText().AsSpan().IndexOfAny(".eE") < 0 && element.TryGetInt64(out var l) ? (object)l
            : element.TryGetDouble(out var d) ? (object)d
            : double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture), // 1e999: an infinity, as in Python
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static SortedDictionary<string, object> Flatten(object? root, string sourceName)
    {
        if (root is not List<KeyValuePair<string, object?>> table)
            throw new InvalidInputException($"{sourceName} must hold a table of parameters at the top level", "write key = value pairs (or a mapping, or a JSON object)");
        long values = 0;
        if (!WithinValueLimit(root, ref values))
            throw new InvalidInputException($"{sourceName} holds more than {MaxValues.ToString("N0", CultureInfo.InvariantCulture)} values (a params file holds at most that many)",
                "keep large data in a file and pass its path as a param");
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
        FlattenInto(result, "", table, sourceName);
        return result;
    }

    // Counts tables, arrays and scalars (a shared YAML alias once per use), stopping as soon as the limit is passed.
    private static bool WithinValueLimit(object? value, ref long count)
    {
        if (++count > MaxValues)
            return false;
        switch (value)
        {
            case List<KeyValuePair<string, object?>> table:
                foreach (var (_, item) in table)
                    if (!WithinValueLimit(item, ref count))
                        return false;
                break;
            case List<object?> array:
                foreach (var item in array)
                    if (!WithinValueLimit(item, ref count))
                        return false;
                break;
        }
        return true;
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

/// <summary>Tomlyn's reader for params files, with gittrack's depth limit.</summary>
[TomlSourceGenerationOptions(MaxDepth = ParamsParser.MaxDepth)]
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class ParamsTomlContext : TomlSerializerContext;
