using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GitTrack.Client;

/// <summary>
/// Appends events to the run's events file (docs/protocol.md) through an in-memory buffer that is written out
/// at least every second, when it fills, and at the end, so logging costs nanoseconds and a crash loses at most
/// the last second. Thread-safe.
/// </summary>
internal sealed class EventsWriter : IDisposable
{
    private const int FlushBytes = 1 << 20;
    private readonly FileStream _file;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private byte[] _buffer = new byte[FlushBytes + 4096];
    private int _length;
    private readonly Dictionary<string, byte[]> _names = new(StringComparer.Ordinal);
    private bool _disposed;
    private readonly (string? Name, byte[] Bytes)[] _recentNames = Enumerable.Repeat(((string?)null, Array.Empty<byte>()), 4).ToArray();
    private int _nextRecent;
    private readonly byte[] _stamp = new byte[32];
    private int _stampLength;
    private long _stampMilliseconds = long.MinValue;

    public EventsWriter(string path)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        _timer = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Metric(string name, double value, long? step, DateTimeOffset timestamp)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureSpace(512 + name.Length * 6);
            Append("{\"type\":\"metric\",\"name\":"u8);
            Append(JsonName(name));
            Append(",\"value\":"u8);
            AppendNumber(value);
            if (step is { } s)
            {
                Append(",\"step\":"u8);
                Utf8Formatter.TryFormat(s, _buffer.AsSpan(_length), out int written);
                _length += written;
            }
            Append(",\"timestamp\":"u8);
            AppendTimestamp(timestamp.ToUnixTimeMilliseconds());
            Append("}\n"u8);
            if (_length >= FlushBytes)
                FlushLocked();
        }
    }

    /// <summary>Writes any other event, already shaped as a JSON object.</summary>
    public void Event(Action<Utf8JsonWriter> write)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EnsureSpace(output.WrittenCount + 1);
            Append(output.WrittenSpan);
            Append("\n"u8);
        }
    }

    // Formatting costs more than the rest of a call: the timestamp text is kept while the millisecond is the same.
    private void AppendTimestamp(long unixMilliseconds)
    {
        if (unixMilliseconds != _stampMilliseconds)
        {
            _stampMilliseconds = unixMilliseconds;
            long seconds = Math.DivRem(unixMilliseconds, 1000, out long fraction);
            Utf8Formatter.TryFormat(seconds, _stamp, out int written);
            _stamp[written] = (byte)'.';
            Utf8Formatter.TryFormat(fraction, _stamp.AsSpan(written + 1), out int digits, new StandardFormat('D', 3));
            _stampLength = written + 1 + digits;
        }
        Append(_stamp.AsSpan(0, _stampLength));
    }

    private byte[] JsonName(string name)
    {
        // A training loop logs the same few names in turn: check them by reference before hashing.
        foreach (var (known, knownBytes) in _recentNames)
            if (ReferenceEquals(known, name))
                return knownBytes;
        var bytes = JsonNameSlow(name);
        _recentNames[_nextRecent] = (name, bytes);
        _nextRecent = (_nextRecent + 1) % _recentNames.Length;
        return bytes;
    }

    private byte[] JsonNameSlow(string name)
    {
        if (!_names.TryGetValue(name, out var bytes))
        {
            bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name));
            _names[name] = bytes;
        }
        return bytes;
    }

    private void AppendNumber(double value)
    {
        if (double.IsNaN(value))
            Append("NaN"u8);
        else if (double.IsPositiveInfinity(value))
            Append("Infinity"u8);
        else if (double.IsNegativeInfinity(value))
            Append("-Infinity"u8);
        else
        {
            // The default format is the shortest text that round-trips the double exactly.
            value.TryFormat(_buffer.AsSpan(_length), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void EnsureSpace(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
            return;
        FlushLocked();
        if (bytes > _buffer.Length)
            Array.Resize(ref _buffer, bytes);
    }

    public void Flush()
    {
        lock (_lock)
            FlushLocked();
    }

    private void FlushLocked()
    {
        if (_length == 0 || _disposed)
            return;
        _file.Write(_buffer, 0, _length);
        _file.Flush();
        _length = 0;
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            if (_disposed)
                return;
            FlushLocked();
            _disposed = true;
            _file.Dispose();
        }
    }
}
