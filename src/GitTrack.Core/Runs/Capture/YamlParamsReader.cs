using System.Globalization;
using GitTrack.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Reads a YAML params file into the neutral tree <see cref="ParamsParser"/> flattens, from YamlDotNet's low-level
/// event parser (no representation model, no reflection), with limits a hostile or broken file cannot get past:
/// nesting at most <see cref="ParamsParser.MaxDepth"/> deep and at most <see cref="ParamsParser.MaxValues"/> values
/// counting each alias as the values it stands for (an alias bomb is refused before anything is copied), an alias
/// only to a finished anchor before it (a value cannot contain itself), no key given twice in a mapping. Aliases
/// share the anchored value instead of copying it. Every error names the file, the line and the column.
/// </summary>
internal sealed class YamlParamsReader
{
    private readonly IParser _parser;
    private readonly string _sourceName;
    private readonly Dictionary<string, Node> _anchors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private long _values;

    /// <summary>A value of the tree with the number of values it holds (itself included) and how deep it nests.</summary>
    private readonly record struct Node(object? Value, long Size, int Height);

    private YamlParamsReader(string text, string sourceName)
    {
        _parser = new Parser(new StringReader(text));
        _sourceName = sourceName;
    }

    /// <summary>The first document's root as a neutral tree (null for an empty file); throws <see cref="InvalidInputException"/>.</summary>
    public static object? Read(string text, string sourceName)
    {
        var reader = new YamlParamsReader(text, sourceName);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException e)
        {
            throw reader.Error(e.Start, FirstSentence(e.Message), e);
        }
    }

    private object? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (!_parser.TryConsume<DocumentStart>(out _))
            return null;
        var root = ReadNode(depth: 0).Value;
        _parser.Consume<DocumentEnd>();
        // Later documents are not used, but a syntax error in them is still an error.
        while (_parser.MoveNext())
        {
        }
        return root;
    }

    private Node ReadNode(int depth)
    {
        var current = _parser.Current ?? throw Error(default, "unexpected end of the file");
        switch (current)
        {
            case AnchorAlias alias:
            {
                _parser.MoveNext();
                var name = alias.Value.Value;
                if (_open.Contains(name))
                    throw Error(alias.Start, $"alias *{name} refers to the anchor it is inside (a value cannot contain itself)");
                if (!_anchors.TryGetValue(name, out var anchored))
                    throw Error(alias.Start, $"alias *{name} has no anchor &{name} before it");
                if (depth + anchored.Height > ParamsParser.MaxDepth)
                    throw Error(alias.Start, $"nested more than {ParamsParser.MaxDepth} deep once alias *{name} is expanded");
                Count(anchored.Size, alias.Start);
                return anchored;
            }
            case Scalar scalar:
            {
                _parser.MoveNext();
                Count(1, scalar.Start);
                var node = new Node(scalar.Style == ScalarStyle.Plain ? PlainScalar(scalar.Value) : scalar.Value, 1, 0);
                Anchor(scalar, node);
                return node;
            }
            case SequenceStart sequence:
            {
                Enter(sequence, depth);
                _parser.MoveNext();
                var items = new List<object?>();
                long size = 1;
                int height = 0;
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode(depth + 1);
                    items.Add(item.Value);
                    size += item.Size;
                    height = Math.Max(height, item.Height);
                }
                return Leave(sequence, new Node(items, size, height + 1));
            }
            case MappingStart mapping:
            {
                Enter(mapping, depth);
                _parser.MoveNext();
                var node = ReadMapping(depth);
                return Leave(mapping, node);
            }
            default:
                throw Error(current.Start, $"unexpected {current.GetType().Name}");
        }
    }

    // Merge keys (<<: *base) copy the entries of the aliased mappings that the mapping does not set itself; with a
    // list of mappings, the first that sets a key wins (the YAML merge key rules).
    private Node ReadMapping(int depth)
    {
        var entries = new List<KeyValuePair<string, object?>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<KeyValuePair<string, object?>>();
        long size = 1;
        int height = 0;
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = _parser.Current!;
            if (keyEvent is not Scalar keyScalar)
                throw Error(keyEvent.Start, "a key must be a plain value (lr:, model:), not a mapping, a sequence or an alias");
            _parser.MoveNext();
            var key = keyScalar.Value;
            var value = ReadNode(depth + 1);
            size += value.Size;
            height = Math.Max(height, value.Height);
            if (key == "<<" && keyScalar.Style == ScalarStyle.Plain)
            {
                var sources = value.Value is List<object?> list ? list : [value.Value];
                foreach (var source in sources.OfType<List<KeyValuePair<string, object?>>>())
                    foreach (var entry in source)
                        if (!merged.Exists(m => m.Key == entry.Key))
                            merged.Add(entry);
                continue;
            }
            if (!keys.Add(key))
                throw Error(keyScalar.Start, $"key '{key}' is given twice in one mapping");
            entries.Add(new(key, value.Value));
        }
        foreach (var entry in merged)
            if (!keys.Contains(entry.Key))
                entries.Add(entry);
        return new Node(entries, size, height + 1);
    }

    private void Enter(NodeEvent start, int depth)
    {
        if (depth >= ParamsParser.MaxDepth)
            throw Error(start.Start, $"nested more than {ParamsParser.MaxDepth} deep");
        Count(1, start.Start);
        if (!start.Anchor.IsEmpty)
            _open.Add(start.Anchor.Value);
    }

    private Node Leave(NodeEvent start, Node node)
    {
        if (!start.Anchor.IsEmpty)
            _open.Remove(start.Anchor.Value);
        Anchor(start, node);
        return node;
    }

    private void Anchor(NodeEvent node, Node value)
    {
        // A later anchor of the same name replaces the earlier one for the aliases after it (YAML 1.2).
        if (!node.Anchor.IsEmpty)
            _anchors[node.Anchor.Value] = value;
    }

    private void Count(long values, Mark where)
    {
        _values += values;
        if (_values > ParamsParser.MaxValues)
            throw Error(where, $"more than {ParamsParser.MaxValues.ToString("N0", CultureInfo.InvariantCulture)} values once its aliases are expanded (a params file holds at most that many)");
    }

    // YAML 1.2 core schema: null, ~ and empty are null, 0x.. is hexadecimal, 007 is 7; otherwise the --param
    // rules (which include .inf and .nan).
    private static object? PlainScalar(string text)
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

    private InvalidInputException Error(Mark where, string what, Exception? inner = null) =>
        ParamsParser.SyntaxError("YAML", _sourceName, where.Line > 0 ? where.Line : null, where.Column > 0 ? where.Column : null, what, inner);

    // YamlDotNet's messages start with the position, "(Line: 1, Col: 4, Idx: 3) - (Line: ...): ", which the error gives already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
            message = message[(cut + 3)..];
        return message.Split('\n', 2)[0].Trim();
    }
}
