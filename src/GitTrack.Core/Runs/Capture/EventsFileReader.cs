namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Follows the events file a child appends to (<c>GITTRACK_EVENTS</c>, docs/protocol.md): each
/// <see cref="ReadNew"/> parses only the complete lines written since the last call and keeps a partial last line
/// for later. Never throws for what the child wrote: bad lines come back as <see cref="EventProblem"/>s with their
/// line numbers, and the rest is kept. A file that does not exist yet reads as empty.
/// </summary>
public sealed class EventsFileReader : IDisposable
{
    /// <summary>Lines longer than this are reported and skipped rather than buffered without end.</summary>
    public const int MaxLineBytes = 1 << 20;

    private readonly string _path;
    private readonly EventLineParser _parser = new();
    private FileStream? _stream;
    private byte[] _buffer = new byte[256 * 1024];
    private int _pending;            // bytes of an incomplete line kept at the start of _buffer
    private long _line;              // lines completed so far
    private bool _skippingLongLine;  // inside a line longer than MaxLineBytes, dropping bytes until its newline
    private bool _atStart = true;

    public EventsFileReader(string path) => _path = path;

    public string Path => _path;

    /// <summary>Complete lines read so far.</summary>
    public long LinesRead => _line;

    /// <summary>
    /// Parses the lines appended since the last call. With <paramref name="final"/> (the child has exited), a last
    /// line without its newline is parsed too.
    /// </summary>
    public EventBatch ReadNew(bool final = false)
    {
        var batch = new EventBatch();
        long linesBefore = _line;
        if (_stream is null && !TryOpen())
            return batch;
        if (_stream!.Length < _stream.Position)
        {
            // Someone reopened the file with "w" instead of "a": what it holds now is new, read it from the start.
            batch.Problems.Add(new EventProblem(_line + 1, "the events file was truncated (open it for appending, \"a\"); reading it again from its start"));
            _stream.Position = 0;
            _pending = 0;
            _skippingLongLine = false;
            _atStart = true;
        }

        while (true)
        {
            if (_pending == _buffer.Length)
            {
                if (_buffer.Length < MaxLineBytes)
                    Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineBytes));
                else
                {
                    // A line with no end in sight: report it once, then drop bytes until its newline.
                    if (!_skippingLongLine)
                        batch.Problems.Add(new EventProblem(_line + 1, $"line longer than {MaxLineBytes} bytes, skipped"));
                    _skippingLongLine = true;
                    _pending = 0;
                }
            }
            int read = _stream!.Read(_buffer, _pending, _buffer.Length - _pending);
            if (read == 0)
                break;
            int end = _pending + read;
            int start = 0;
            if (_atStart && end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
                start = 3; // a UTF-8 byte order mark
            if (end >= 3)
                _atStart = false;
            var span = _buffer.AsSpan(0, end);
            while (true)
            {
                int newline = span[start..].IndexOf((byte)'\n');
                if (newline < 0)
                    break;
                _line++;
                if (_skippingLongLine)
                    _skippingLongLine = false;
                else
                    _parser.Parse(span.Slice(start, newline), _line, batch);
                start += newline + 1;
            }
            _pending = end - start;
            if (_pending > 0 && start > 0)
                Buffer.BlockCopy(_buffer, start, _buffer, 0, _pending);
        }

        if (final && _pending > 0)
        {
            _line++;
            if (!_skippingLongLine)
                _parser.Parse(_buffer.AsSpan(0, _pending), _line, batch);
            _pending = 0;
            _skippingLongLine = false;
        }
        batch.Lines = _line - linesBefore;
        return batch;
    }

    private bool TryOpen()
    {
        try
        {
            _stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    public void Dispose() => _stream?.Dispose();
}
