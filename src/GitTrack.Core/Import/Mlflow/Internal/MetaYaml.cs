using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitTrack.Core.Import.Mlflow.Internal;

/// <summary>
/// A <c>meta.yaml</c> of an MLflow store (experiment or run) as its top-level scalar fields. MLflow writes a flat
/// mapping with PyYAML's safe dumper; anything else (not YAML, not a mapping) is a problem, and a field whose value
/// is not a scalar reads as absent. A plain <c>null</c>, <c>~</c> or empty value is absent too.
/// </summary>
internal sealed class MetaYaml
{
    public const int MaxBytes = 64 * 1024;

    private readonly Dictionary<string, string> _fields;

    private MetaYaml(Dictionary<string, string> fields) => _fields = fields;

    public string? this[string key] => _fields.TryGetValue(key, out var value) ? value : null;

    /// <summary>Parses <paramref name="text"/>; null with <paramref name="problem"/> set when it is not a YAML mapping.</summary>
    public static MetaYaml? Parse(string text, out string? problem)
    {
        problem = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or ArgumentException or InvalidOperationException)
        {
            problem = $"not valid YAML: {FirstLine(e.Message)}";
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problem = "not a YAML mapping";
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in root.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } || valueNode is not YamlScalarNode scalar || scalar.Value is null)
                continue;
            var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
            if (plain && scalar.Value is "" or "null" or "Null" or "NULL" or "~")
                continue;
            fields[key] = scalar.Value;
        }
        return new MetaYaml(fields);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
