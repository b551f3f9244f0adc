using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace GitTrack.Core.Runs;

/// <summary>
/// Parses TOML text into Tomlyn's document model (<see cref="TomlTable"/>) through a source-generated serializer
/// context, so parsing needs no reflection and works in the native (ahead-of-time compiled) gittrack.
/// </summary>
public static class TomlDocument
{
    /// <summary>The document as a table; throws <see cref="TomlException"/> when the text is not valid TOML.</summary>
    public static TomlTable Parse(string text) =>
        TomlSerializer.Deserialize(text, TomlDocumentContext.Default.TomlTable) ?? new TomlTable();
}

[TomlSerializable(typeof(TomlTable))]
internal sealed partial class TomlDocumentContext : TomlSerializerContext;
