using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using ZstdSharp;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Reads a cache object's content: decompresses the zstd stream and hashes every byte it returns; at the end it
/// compares the hash with the object's key and throws <see cref="CorruptDataException"/> on a mismatch, as it does
/// on a decoding error or a truncated object. A reader that reaches the end without an exception got exactly the
/// bytes that were stored.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly Stream _decoder;
    private readonly Blake3Hasher _hasher = Blake3Hasher.Create();
    private readonly Blake3Hash _key;
    private readonly string _objectPath;
    private bool _verified;

    public VerifyingReadStream(string objectPath, Blake3Hash key)
    {
        _key = key;
        _objectPath = objectPath;
        var file = new FileStream(objectPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        _decoder = new DecompressionStream(file, bufferSize: 1 << 20, checkEndOfStream: true, leaveOpen: false);
    }

    /// <summary>Content bytes returned so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads decompressed bytes without hashing them; the caller must hash them with <see cref="HashBlock"/> in order.</summary>
    internal int ReadUnhashed(Span<byte> buffer)
    {
        try
        {
            return _decoder.Read(buffer);
        }
        catch (Exception e) when (e is ZstdException or EndOfStreamException or InvalidDataException or ArgumentException)
        {
            throw Corrupt($"it does not decode as zstd: {e.Message}", e);
        }
    }

    internal void HashBlock(ReadOnlySpan<byte> block)
    {
        _hasher.Update(block);
        BytesRead += block.Length;
    }

    /// <summary>Throws unless the bytes hashed so far are the object's content.</summary>
    internal void CheckComplete()
    {
        if (_verified)
            return;
        var actual = _hasher.Finalize();
        if (actual != _key)
            throw Corrupt($"its content ({BytesRead} bytes) hashes to {actual}", null);
        _verified = true;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        int n = ReadUnhashed(buffer);
        if (n > 0)
        {
            _hasher.Update(buffer[..n]);
            BytesRead += n;
            return n;
        }
        CheckComplete();
        return 0;
    }

    private CorruptDataException Corrupt(string detail, Exception? inner) => new(
        $"corrupt object {_key}",
        $"{detail}; delete {_objectPath} and add the original file again",
        inner);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            _hasher.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
