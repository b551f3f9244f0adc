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
            Utf8Formatter.TryFormat(timestamp.ToUnixTimeMilliseconds() / 1000.0, _buffer.AsSpan(_length), out int w2);
            _length += w2;
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

    private byte[] JsonName(string name)
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
            // "R" round-trips every double exactly.
            value.TryFormat(_buffer.AsSpan(_length), out int written, "R", System.Globalization.CultureInfo.InvariantCulture);
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
