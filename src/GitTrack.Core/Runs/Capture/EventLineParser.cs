using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Parses one line of the events protocol (docs/protocol.md) straight from its UTF-8 bytes into an
/// <see cref="EventBatch"/>; a bad line becomes an <see cref="EventProblem"/>, never an exception. Metric names are
/// interned: a run logs a handful of names millions of times.
/// </summary>
internal sealed class EventLineParser
{
    private const int MaxInternedNames = 10_000;
    private const int MaxListedProblems = 100;

    // What the NaN rewrite turns Python's bare NaN/Infinity/-Infinity into: a JSON string no user writes (it starts
    // with U+0000), so a param or tag value "NaN" stays the string the child wrote.
    internal const string NaNMark = "\0NaN", InfinityMark = "\0Infinity", NegativeInfinityMark = "\0-Infinity";

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private long _problems;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly (byte[] Bytes, string Name)[] _recentNames = Enumerable.Repeat((Array.Empty<byte>(), ""), 8).ToArray();
    private int _nextRecent;

    public EventLineParser() => _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    private enum Kind : byte { None, Metric, Param, Tag, Artifact, Error, Input, Unknown }

    private enum ValueKind : byte { None, Number, String, True, False, Null, Composite }

    /// <summary>Parses <paramref name="line"/> (without its newline) into <paramref name="batch"/>.</summary>
    public void Parse(ReadOnlySpan<byte> line, long lineNumber, EventBatch batch)
    {
        line = line.Trim(" \t\r\f\v"u8);
        if (line.IsEmpty || TryParseClientMetric(line, batch))
            return;
        string? problem;
        try
        {
            problem = ParseObject(line, lineNumber, batch);
        }
        catch (JsonException e)
        {
            problem = RetryWithNonFiniteNumbers(line, lineNumber, batch, e);
        }
        catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
        {
            // Utf8JsonReader.GetString on bytes that are not UTF-8.
            problem = "a string is not valid UTF-8";
        }
        if (problem is not null)
            Report(batch, lineNumber, problem);
    }

    // The clients (GitTrack.Client, gittrack.py) write every metric in one exact shape:
    // {"type":"metric","name":"loss","value":0.5,"step":3,"timestamp":1767225600.125}
    // That shape is read here without the JSON reader, at a fraction of the cost. Anything else (spaces, other field
    // orders, escapes, NaN, a bad number) returns false and goes through the general parser, which gives the same
    // result for the lines accepted here and reports the rest.
    private bool TryParseClientMetric(ReadOnlySpan<byte> line, EventBatch batch)
    {
        var prefix = "{\"type\":\"metric\",\"name\":\""u8;
        if (!line.StartsWith(prefix) || line[^1] != '}')
            return false;
        var rest = line[prefix.Length..];
        int quote = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (quote <= 0 || rest[quote] != '"')
            return false;
        var nameBytes = rest[..quote];
        if (nameBytes.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || !System.Text.Unicode.Utf8.IsValid(nameBytes))
            return false;
        rest = rest[(quote + 1)..];
        if (!rest.StartsWith(",\"value\":"u8))
            return false;
        rest = rest[9..];
        if (!TakeJsonNumber(ref rest, integerOnly: false, out var valueBytes))
            return false;
        double value = ParseDouble(valueBytes);
        long? step = null;
        DateTimeOffset? timestamp = null;
        if (rest.StartsWith(",\"step\":"u8))
        {
            rest = rest[8..];
            if (!TakeJsonNumber(ref rest, integerOnly: true, out var stepBytes)
                || !Utf8Parser.TryParse(stepBytes, out long s, out int consumed) || consumed != stepBytes.Length)
                return false;
            step = s;
        }
        if (rest.StartsWith(",\"timestamp\":"u8))
        {
            rest = rest[13..];
            if (!TakeJsonNumber(ref rest, integerOnly: false, out var timeBytes) || !TryParseUnixSeconds(timeBytes, out var t))
                return false;
            timestamp = t;
        }
        if (rest.Length != 1) // only the closing brace may be left
            return false;
        batch.Metrics.Add(new MetricPoint(InternBytes(nameBytes), value, step, timestamp));
        return true;
    }

    /// <summary>Takes a JSON number (RFC 8259 grammar) from the start of <paramref name="rest"/>, up to a ',' or '}'.</summary>
    private static bool TakeJsonNumber(ref ReadOnlySpan<byte> rest, bool integerOnly, out ReadOnlySpan<byte> number)
    {
        number = default;
        int i = 0, n = rest.Length;
        if (i < n && rest[i] == '-')
            i++;
        if (i < n && rest[i] == '0')
            i++;
        else if (i < n && rest[i] is >= (byte)'1' and <= (byte)'9')
            while (i < n && char.IsAsciiDigit((char)rest[i])) i++;
        else
            return false;
        if (!integerOnly && i < n && rest[i] == '.')
        {
            int start = ++i;
            while (i < n && char.IsAsciiDigit((char)rest[i])) i++;
            if (i == start)
                return false;
        }
        if (!integerOnly && i < n && rest[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < n && rest[i] is (byte)'+' or (byte)'-')
                i++;
            int start = i;
            while (i < n && char.IsAsciiDigit((char)rest[i])) i++;
            if (i == start)
                return false;
        }
        if (i == n || rest[i] is not ((byte)',' or (byte)'}'))
            return false;
        number = rest[..i];
        rest = rest[i..];
        return true;
    }

    /// <summary>The interned name for UTF-8 bytes already checked to be valid and free of escapes.</summary>
    private string InternBytes(ReadOnlySpan<byte> span)
    {
        foreach (var (bytes, known) in _recentNames)
            if (span.SequenceEqual(bytes))
                return known;
        string name;
        if (span.Length > 256 || _names.Count >= MaxInternedNames)
        {
            var value = Encoding.UTF8.GetString(span);
            name = _names.Count < MaxInternedNames ? _names.TryAdd(value, value) ? value : _names[value] : value;
        }
        else
        {
            Span<char> chars = stackalloc char[256];
            int count = Encoding.UTF8.GetChars(span, chars);
            if (_nameLookup.TryGetValue(chars[..count], out var found))
                name = found;
            else
            {
                name = new string(chars[..count]);
                _names.Add(name, name);
            }
        }
        if (span.Length <= 64)
        {
            _recentNames[_nextRecent] = (span.ToArray(), name);
            _nextRecent = (_nextRecent + 1) % _recentNames.Length;
        }
        return name;
    }

    private void Report(EventBatch batch, long lineNumber, string message)
    {
        if (++_problems <= MaxListedProblems)
            batch.Problems.Add(new EventProblem(lineNumber, message));
        else
            batch.UnlistedProblems++;
    }

    // Python's json.dumps writes float('nan') as a bare NaN (and Infinity, -Infinity), which is not JSON. Only when a
    // line fails to parse, those tokens outside strings are rewritten into marked strings and the line parsed again.
    private string? RetryWithNonFiniteNumbers(ReadOnlySpan<byte> line, long lineNumber, EventBatch batch, JsonException original)
    {
        var rented = ArrayPool<byte>.Shared.Rent(line.Length * 3 + 16);
        try
        {
            int length = RewriteNonFiniteNumbers(line, rented);
            if (length < 0)
                return InvalidJson(original);
            try
            {
                return ParseObject(rented.AsSpan(0, length), lineNumber, batch);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException)
            {
                return InvalidJson(original);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string InvalidJson(JsonException e)
    {
        var message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut];
        return $"invalid JSON ({message.TrimEnd('.', ' ')}; at byte {(e.BytePositionInLine ?? 0) + 1})";
    }

    /// <summary>Copies <paramref name="line"/> with bare NaN, Infinity, -Infinity outside strings quoted as marks; -1 when there were none.</summary>
    internal static int RewriteNonFiniteNumbers(ReadOnlySpan<byte> line, Span<byte> output)
    {
        int o = 0;
        bool inString = false, changed = false;
        for (int i = 0; i < line.Length; i++)
        {
            byte b = line[i];
            if (inString)
            {
                output[o++] = b;
                if (b == '\\' && i + 1 < line.Length)
                    output[o++] = line[++i];
                else if (b == '"')
                    inString = false;
                continue;
            }
            if (b == '"')
            {
                inString = true;
                output[o++] = b;
                continue;
            }
            ReadOnlySpan<byte> mark = default;
            int skip = 0;
            var rest = line[i..];
            if (rest.StartsWith("NaN"u8)) { mark = "\"\\u0000NaN\""u8; skip = 3; }
            else if (rest.StartsWith("Infinity"u8)) { mark = "\"\\u0000Infinity\""u8; skip = 8; }
            else if (rest.StartsWith("-Infinity"u8)) { mark = "\"\\u0000-Infinity\""u8; skip = 9; }
            if (skip > 0)
            {
                mark.CopyTo(output[o..]);
                o += mark.Length;
                i += skip - 1;
                changed = true;
                continue;
            }
            output[o++] = b;
        }
        return changed ? o : -1;
    }

    private string? ParseObject(ReadOnlySpan<byte> line, long lineNumber, EventBatch batch)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            // Consume the rest so that a line of garbage reports invalid JSON rather than "not an object".
            while (reader.Read()) { }
            return "not a JSON object";
        }

        Kind kind = Kind.None;
        string? typeName = null, name = null, text = null, path = null, timestampText = null, message = null;
        ValueKind valueKind = ValueKind.None;
        int valueStart = 0, valueLength = 0, stepStart = 0, stepLength = 0, timestampStart = 0, timestampLength = 0;
        ValueKind stepKind = ValueKind.None, timestampKind = ValueKind.None, defaultKind = ValueKind.None;
        bool store = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                    kind = Kind.Unknown;
                else if (reader.ValueTextEquals("metric"u8))
                    kind = Kind.Metric;
                else if (reader.ValueTextEquals("param"u8))
                    kind = Kind.Param;
                else if (reader.ValueTextEquals("tag"u8))
                    kind = Kind.Tag;
                else if (reader.ValueTextEquals("artifact"u8))
                    kind = Kind.Artifact;
                else if (reader.ValueTextEquals("error"u8))
                    kind = Kind.Error;
                else if (reader.ValueTextEquals("input"u8))
                    kind = Kind.Input;
                else
                    kind = Kind.Unknown;
                if (kind == Kind.Unknown)
                {
                    typeName = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? InternString(ref reader) : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                valueKind = Capture(ref reader, out valueStart, out valueLength, ref text);
            }
            else if (reader.ValueTextEquals("step"u8))
            {
                reader.Read();
                string? ignored = null;
                stepKind = Capture(ref reader, out stepStart, out stepLength, ref ignored);
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                timestampKind = Capture(ref reader, out timestampStart, out timestampLength, ref timestampText);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("default"u8))
            {
                reader.Read();
                string? ignored = null;
                defaultKind = Capture(ref reader, out _, out _, ref ignored);
            }
            else if (reader.ValueTextEquals("store"u8))
            {
                reader.Read();
                store = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("path"u8))
            {
                reader.Read();
                path = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else
            {
                // Unknown fields are ignored: later versions of the protocol may add some.
                reader.Read();
                reader.Skip();
            }
        }
        // Anything after the object (a second object, garbage) makes Read throw: the line is invalid.
        while (reader.Read()) { }

        switch (kind)
        {
            case Kind.None:
                return "missing \"type\"";
            case Kind.Unknown:
                return $"unknown event type \"{typeName}\" (expected metric, param, tag, artifact, input or error)";
            case Kind.Artifact:
                if (string.IsNullOrEmpty(path))
                    return "artifact without a \"path\" string";
                batch.Artifacts.Add(path);
                return null;
            case Kind.Input:
                if (string.IsNullOrEmpty(path))
                    return "input without a \"path\" string";
                batch.Inputs.Add((path, store));
                return null;
            case Kind.Error:
                if (message is null)
                    return "error without a \"message\" string";
                batch.Error = message;
                return null;
        }
        if (string.IsNullOrEmpty(name))
            return $"{KindName(kind)} without a \"name\" string";
        var raw = line;

        if (kind == Kind.Metric)
        {
            double value;
            switch (valueKind)
            {
                case ValueKind.Number:
                    value = ParseDouble(raw.Slice(valueStart, valueLength));
                    break;
                case ValueKind.String when TryParseNonFinite(text!, out value):
                    break;
                case ValueKind.None:
                    return $"metric \"{name}\" has no \"value\"";
                case ValueKind.String:
                    return $"metric \"{name}\" has a non-numeric value \"{Shorten(text!)}\"";
                default:
                    return $"metric \"{name}\" has a non-numeric value ({DescribeKind(valueKind)})";
            }
            long? step = null;
            switch (stepKind)
            {
                case ValueKind.None or ValueKind.Null:
                    break;
                case ValueKind.Number when TryParseStep(raw.Slice(stepStart, stepLength), out var s):
                    step = s;
                    break;
                default:
                    return $"metric \"{name}\": \"step\" must be an integer";
            }
            DateTimeOffset? timestamp = null;
            switch (timestampKind)
            {
                case ValueKind.None or ValueKind.Null:
                    break;
                case ValueKind.Number when TryParseUnixSeconds(raw.Slice(timestampStart, timestampLength), out var t):
                    timestamp = t;
                    break;
                case ValueKind.String when DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var t):
                    timestamp = t;
                    break;
                default:
                    return $"metric \"{name}\": \"timestamp\" must be unix seconds or an ISO 8601 string";
            }
            batch.Metrics.Add(new MetricPoint(name, value, step, timestamp));
            return null;
        }

        object? typed = valueKind switch
        {
            ValueKind.Number => ParseParamNumber(raw.Slice(valueStart, valueLength)),
            ValueKind.String => text == NaNMark ? double.NaN
                : text == InfinityMark ? double.PositiveInfinity
                : text == NegativeInfinityMark ? double.NegativeInfinity
                : text,
            ValueKind.True => true,
            ValueKind.False => false,
            ValueKind.Composite => CompactJson(raw.Slice(valueStart, valueLength)),
            ValueKind.None when kind == Kind.Tag => "", // a tag may be a bare label
            _ => null,
        };
        if (typed is null)
            return $"{KindName(kind)} \"{name}\" has no value";
        if (kind == Kind.Param)
        {
            // A default the code read (the clients' GetParam / params().get): the recorder keeps it only when the
            // run has no value of that name from --param, a params file or any param event (docs/protocol.md).
            switch (defaultKind)
            {
                case ValueKind.None or ValueKind.False:
                    batch.Params.Add(new(name, typed));
                    break;
                case ValueKind.True:
                    batch.DefaultParams.Add(new(name, typed));
                    break;
                default:
                    return $"param \"{name}\": \"default\" must be true or false";
            }
        }
        else
            batch.Tags.Add(new(name, typed switch
            {
                string s => s,
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => typed.ToString() ?? "",
            }));
        return null;
    }

    private static ValueKind Capture(ref Utf8JsonReader reader, out int start, out int length, ref string? text)
    {
        start = (int)reader.TokenStartIndex;
        length = reader.ValueSpan.Length;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return ValueKind.Number;
            case JsonTokenType.String:
                text = reader.GetString();
                return ValueKind.String;
            case JsonTokenType.True:
                return ValueKind.True;
            case JsonTokenType.False:
                return ValueKind.False;
            case JsonTokenType.Null:
                return ValueKind.Null;
            default:
                reader.Skip();
                length = (int)reader.BytesConsumed - start;
                return ValueKind.Composite;
        }
    }

    private string InternString(ref Utf8JsonReader reader)
    {
        var span = reader.ValueSpan;
        // Most lines repeat one of a few names: compare raw bytes against the recent ones before decoding anything.
        if (!reader.ValueIsEscaped)
            foreach (var (bytes, known) in _recentNames)
                if (span.SequenceEqual(bytes))
                    return known;
        var name = DecodeAndIntern(ref reader, span);
        if (!reader.ValueIsEscaped && span.Length <= 64)
        {
            _recentNames[_nextRecent] = (span.ToArray(), name);
            _nextRecent = (_nextRecent + 1) % _recentNames.Length;
        }
        return name;
    }

    private string DecodeAndIntern(ref Utf8JsonReader reader, ReadOnlySpan<byte> span)
    {
        if (reader.ValueIsEscaped || span.Length > 256 || _names.Count >= MaxInternedNames)
        {
            var value = reader.GetString()!;
            return _names.Count < MaxInternedNames ? _names.TryAdd(value, value) ? value : _names[value] : value;
        }
        Span<char> chars = stackalloc char[256];
        int count = StrictUtf8.GetChars(span, chars);
        if (_nameLookup.TryGetValue(chars[..count], out var interned))
            return interned;
        var created = new string(chars[..count]);
        _names.Add(created, created);
        return created;
    }

    private static double ParseDouble(ReadOnlySpan<byte> number)
    {
        if (Utf8Parser.TryParse(number, out double value, out int consumed) && consumed == number.Length)
            return value;
        // Utf8Parser refuses numbers beyond double's range; double.Parse turns them into an infinity, as Python does.
        return double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static object ParseParamNumber(ReadOnlySpan<byte> number)
    {
        if (number.IndexOfAny(".eE"u8) < 0 && Utf8Parser.TryParse(number, out long integer, out int consumed) && consumed == number.Length)
            return integer;
        return ParseDouble(number);
    }

    private static bool TryParseStep(ReadOnlySpan<byte> number, out long step)
    {
        if (Utf8Parser.TryParse(number, out step, out int consumed) && consumed == number.Length)
            return true;
        // 3.0 (a step computed as a float) is accepted; 3.5 is not.
        var value = ParseDouble(number);
        step = (long)value;
        return double.IsFinite(value) && Math.Abs(value) < 9e15 && value == Math.Floor(value);
    }

    private static bool TryParseUnixSeconds(ReadOnlySpan<byte> number, out DateTimeOffset timestamp)
    {
        timestamp = default;
        var seconds = ParseDouble(number);
        if (!(seconds >= 0 && seconds < 253402300799))
            return false;
        timestamp = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Reads the marks of the NaN rewrite and the strings nan, inf, -inf, infinity (any case).</summary>
    internal static bool TryParseNonFinite(string text, out double value)
    {
        switch (text)
        {
            case NaNMark:
                value = double.NaN;
                return true;
            case InfinityMark:
                value = double.PositiveInfinity;
                return true;
            case NegativeInfinityMark:
                value = double.NegativeInfinity;
                return true;
        }
        if (text.Length > 0 && text[0] == '.')
        {
            value = 0;
            return false;
        }
        return ParamValue.TryParseSpecialDouble(text, out value);
    }

    private static string CompactJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            document.RootElement.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string KindName(Kind kind) => kind switch
    {
        Kind.Metric => "metric",
        Kind.Param => "param",
        Kind.Tag => "tag",
        _ => "event",
    };

    private static string DescribeKind(ValueKind kind) => kind switch
    {
        ValueKind.True or ValueKind.False => "a boolean",
        ValueKind.Null => "null",
        ValueKind.Composite => "an object or array",
        _ => "not a number",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
