using Microsoft.Win32.SafeHandles;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Writes one zstd frame made only of Raw_Block blocks (RFC 8878, section 3.1.1): stored bytes with a 3-byte header
/// per 128 KiB, so content that does not compress is framed at memory-copy speed and any zstd decoder reads it.
/// </summary>
/// <remarks>
/// Frame header: magic <c>28 B5 2F FD</c>, Frame_Header_Descriptor <c>00</c> (no content size, not single-segment,
/// no checksum, no dictionary), Window_Descriptor <c>38</c> (exponent 7: a 2^17 = 128 KiB window, the largest
/// block). Each block header is 3 bytes little-endian: bit 0 Last_Block, bits 1-2 Block_Type (0 = Raw), bits 3-23
/// Block_Size. The frame ends with an empty raw block that has Last_Block set, as zstd itself ends a stream.
/// Blocks go to the file with one gathering write (pwritev) per buffer handed in.
/// </remarks>
internal sealed class RawZstdFrameWriter
{
    internal const int MaxBlockSize = 128 * 1024;
    internal static ReadOnlySpan<byte> FrameHeader => [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38];

    private readonly SafeFileHandle _file;
    private long _offset;
    private bool _started;
    private readonly List<ReadOnlyMemory<byte>> _segments = new();
    private byte[] _headers = [];

    public RawZstdFrameWriter(SafeFileHandle file, long offset)
    {
        _file = file;
        _offset = offset;
    }

    /// <summary>Bytes written to the file so far, header included.</summary>
    public long Offset => _offset;

    public void Write(ReadOnlyMemory<byte> data)
    {
        _segments.Clear();
        if (!_started)
        {
            _segments.Add(FrameHeader.ToArray());
            _started = true;
        }
        int blocks = (data.Length + MaxBlockSize - 1) / MaxBlockSize;
        if (_headers.Length < blocks * 3)
            _headers = new byte[blocks * 3];
        for (int i = 0; i < blocks; i++)
        {
            var block = data.Slice(i * MaxBlockSize, Math.Min(MaxBlockSize, data.Length - i * MaxBlockSize));
            WriteBlockHeader(_headers.AsSpan(i * 3, 3), block.Length, last: false);
            _segments.Add(_headers.AsMemory(i * 3, 3));
            _segments.Add(block);
        }
        Flush();
    }

    /// <summary>Ends the frame with an empty last block.</summary>
    public void Complete()
    {
        _segments.Clear();
        if (!_started)
        {
            _segments.Add(FrameHeader.ToArray());
            _started = true;
        }
        var end = new byte[3];
        WriteBlockHeader(end, 0, last: true);
        _segments.Add(end);
        Flush();
    }

    private void Flush()
    {
        long length = 0;
        foreach (var segment in _segments)
            length += segment.Length;
        RandomAccess.Write(_file, _segments, _offset);
        _offset += length;
    }

    private static void WriteBlockHeader(Span<byte> destination, int size, bool last)
    {
        uint header = ((uint)size << 3) | (last ? 1u : 0u); // Block_Type 0 (Raw) in bits 1-2
        destination[0] = (byte)header;
        destination[1] = (byte)(header >> 8);
        destination[2] = (byte)(header >> 16);
    }
}
