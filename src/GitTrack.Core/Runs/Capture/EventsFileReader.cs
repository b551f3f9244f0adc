namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Follows the events file a child appends to (<c>GITTRACK_EVENTS</c>, docs/protocol.md): each
/// <see cref="ReadNew"/> parses only the complete lines written since the last call and keeps a partial last line
/// for later. Never throws for what the child wrote: bad lines come back as <see cref="EventProblem"/>s with their
/// line numbers, and the rest is kept. A file that does not exist yet reads as empty.
/// Only a regular file is read, and each call reads no further than the file's size when the call began: a command
/// that puts a named pipe, a device or a link (to <c>/dev/zero</c>, say) in the file's place is told once, in
/// <see cref="EventBatch.Notices"/>, that it is not read, and can neither block the reader nor keep it reading.
/// Another regular file put in its place is read from its start, once the old one is read to its end.
/// </summary>
public sealed class EventsFileReader : IDisposable
{
    /// <summary>Lines longer than this are reported and skipped rather than buffered without end.</summary>
    public const int MaxLineBytes = 1 << 20;

    private readonly string _path;
    private readonly EventLineParser _parser = new();
    private FileStream? _stream;
    private (ulong Device, ulong Inode)? _identity;  // of the file _stream reads, where the system tells it
    private (FileKind, (ulong, ulong)?)? _refused;   // what was last refused, so that it is said once
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
        if (_stream is null && !TryOpen(batch))
            return batch;
        ReadFile(batch, final);
        if (Replaced(batch))
        {
            // What the old file holds is read; the new one is read from its start.
            if (_pending > 0)
            {
                _line++;
                if (!_skippingLongLine)
                    _parser.Parse(_buffer.AsSpan(0, _pending), _line, batch);
            }
            _pending = 0;
            _skippingLongLine = false;
            _atStart = true;
            ReadFile(batch, final);
        }
        batch.Lines = _line - linesBefore;
        return batch;
    }

    /// <summary>
    /// Opens the file now, if it exists, so that the file read is this one even if its path is later given to
    /// something else. <c>RunSession</c> calls it as soon as it has created the file, before the command starts.
    /// </summary>
    public void Open()
    {
        if (_stream is null)
            TryOpen(new EventBatch());
    }

    private void ReadFile(EventBatch batch, bool final)
    {
        // Read no further than the size now: a file that grows while it is read is read on by the next call.
        long size = _stream!.Length;
        if (size < _stream.Position)
        {
            // Someone reopened the file with "w" instead of "a": what it holds now is new, read it from the start.
            batch.Problems.Add(new EventProblem(_line + 1, "the events file was truncated (open it for appending, \"a\"); reading it again from its start"));
            _stream.Position = 0;
            _pending = 0;
            _skippingLongLine = false;
            _atStart = true;
        }

        while (_stream.Position < size)
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
            int want = (int)Math.Min(_buffer.Length - _pending, size - _stream.Position);
            int read = _stream.Read(_buffer, _pending, want);
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
    }

    private bool TryOpen(EventBatch batch)
    {
        FileStream? stream;
        FileKind kind;
        (ulong, ulong)? identity;
        try
        {
            stream = RegularFile.OpenForReading(_path, out kind, out identity);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Refuse(batch, FileKind.Missing, null, $"the events file cannot be read ({e.Message}); events are not recorded");
            return false;
        }
        if (stream is null)
        {
            if (kind != FileKind.Missing)
                Refuse(batch, kind, RegularFile.IdentityOf(_path), NotReadNotice(kind));
            return false;
        }
        _stream = stream;
        _identity = identity;
        return true;
    }

    /// <summary>
    /// Whether the path now names another regular file than the one read (the command replaced it): the reader then
    /// reads that one. Anything else in its place is refused, and said once.
    /// </summary>
    private bool Replaced(EventBatch batch)
    {
        if (_identity is not { } mine)
            return false;
        var now = RegularFile.IdentityOf(_path);
        if (now is null || now == mine)
            return false; // removed (writers that hold it open still write to the file read), or unchanged
        var stream = RegularFile.OpenForReading(_path, out var kind, out var identity);
        if (stream is null)
        {
            if (kind != FileKind.Missing)
                Refuse(batch, kind, now, NotReadNotice(kind) + "; the file it replaced is still read");
            return false;
        }
        _stream!.Dispose();
        _stream = stream;
        _identity = identity;
        batch.Notices.Add("the events file was replaced by another file; reading the new one from its start (append to the file GITTRACK_EVENTS names rather than replacing it)");
        return true;
    }

    private static string NotReadNotice(FileKind kind) =>
        $"the events file was replaced by {RegularFile.Describe(kind)}, which is not read (append lines to the file GITTRACK_EVENTS names; do not replace it)";

    private void Refuse(EventBatch batch, FileKind kind, (ulong, ulong)? identity, string notice)
    {
        if (_refused == (kind, identity))
            return;
        _refused = (kind, identity);
        batch.Notices.Add(notice);
    }

    public void Dispose() => _stream?.Dispose();
}
