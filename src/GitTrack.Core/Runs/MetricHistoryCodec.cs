using System.Buffers.Binary;
using System.Text;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Runs;

/// <summary>
/// The binary format of a run's metric history segments (<c>history/NNNNN.bin</c>, docs/format.md "Metric
/// history"): columnar per metric so that git's zlib squeezes the step and time columns to almost nothing while
/// values stay exact float64 (NaN and infinities included). A segment is written once and never rewritten.
/// </summary>
public static class MetricHistoryCodec
{
    /// <summary>The first bytes of every segment: "GTMH" then format version 1.</summary>
    private static ReadOnlySpan<byte> Magic => "GTMH"u8;
    public const byte Version = 1;
    /// <summary>Most points one segment holds, so a checkpoint never rewrites more than one bounded file.</summary>
    public const int DefaultMaxPointsPerSegment = 1 << 16;

    private const byte HasStep = 1;
    private const byte HasTimestamp = 2;

    /// <summary>Splits <paramref name="points"/> (in logging order) into segments of at most <paramref name="maxPoints"/> points each.</summary>
    public static IReadOnlyList<byte[]> EncodeSegments(IReadOnlyList<MetricPoint> points, int maxPoints = DefaultMaxPointsPerSegment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        var segments = new List<byte[]>();
        for (var start = 0; start < points.Count; start += maxPoints)
        {
            var count = Math.Min(maxPoints, points.Count - start);
            segments.Add(Encode(new ArraySegmentList(points, start, count)));
        }
        return segments;
    }

    /// <summary>One segment holding <paramref name="points"/>; per metric, points keep their order.</summary>
    public static byte[] Encode(IReadOnlyList<MetricPoint> points)
    {
        var byName = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var point in points)
        {
            if (string.IsNullOrEmpty(point.Name))
                throw new ArgumentException("a metric point has no name", nameof(points));
            if (!byName.TryGetValue(point.Name, out var list))
            {
                byName[point.Name] = list = [];
                order.Add(point.Name);
            }
            list.Add(point);
        }
        order.Sort(CodePointOrder.Instance);

        var output = new MemoryStream(points.Count * 10 + 64);
        output.Write(Magic);
        output.WriteByte(Version);
        WriteVarint(output, (ulong)order.Count);
        Span<byte> value = stackalloc byte[8];
        foreach (var name in order)
        {
            var list = byName[name];
            var nameBytes = Encoding.UTF8.GetBytes(name);
            WriteVarint(output, (ulong)nameBytes.Length);
            output.Write(nameBytes);
            WriteVarint(output, (ulong)list.Count);
            foreach (var point in list)
                output.WriteByte((byte)((point.Step is null ? 0 : HasStep) | (point.Timestamp is null ? 0 : HasTimestamp)));
            long previous = 0;
            foreach (var point in list)
                if (point.Step is { } step)
                {
                    WriteVarint(output, ZigZag(unchecked(step - previous)));
                    previous = step;
                }
            previous = 0;
            foreach (var point in list)
                if (point.Timestamp is { } timestamp)
                {
                    var ms = timestamp.ToUnixTimeMilliseconds();
                    WriteVarint(output, ZigZag(unchecked(ms - previous)));
                    previous = ms;
                }
            foreach (var point in list)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(value, point.Value);
                output.Write(value);
            }
        }
        return output.ToArray();
    }

    /// <summary>Reads one segment back; anything malformed is a <see cref="CorruptDataException"/> naming <paramref name="where"/>.</summary>
    public static List<MetricPoint> Decode(ReadOnlySpan<byte> data, string where)
    {
        var points = new List<MetricPoint>();
        DecodeInto(data, where, points);
        return points;
    }

    /// <summary>
    /// Reads one segment and appends its points to <paramref name="points"/> (which is left partly filled when this
    /// throws). Columns are decoded straight into the list's storage, no per-point temporaries.
    /// </summary>
    internal static void DecodeInto(ReadOnlySpan<byte> data, string where, List<MetricPoint> points) =>
        DecodeCore(data, where, points, default);

    /// <summary>
    /// Reads one segment into <paramref name="target"/>, which must be exactly as long as the segment has points
    /// (<see cref="CountPoints"/>); nothing else is touched, so segments can be decoded side by side into one array.
    /// </summary>
    internal static void DecodeInto(ReadOnlySpan<byte> data, string where, Span<MetricPoint> target) =>
        DecodeCore(data, where, null, target);

    /// <summary>
    /// How many points a segment holds, from a walk over its header and columns without decoding them; -1 when the
    /// segment is malformed (decoding it then says how).
    /// </summary>
    internal static int CountPoints(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5 || !data[..4].SequenceEqual(Magic) || data[4] != Version)
            return -1;
        var position = 5;
        if (!SkimCount(data, ref position, out var metricCount))
            return -1;
        long total = 0;
        for (var m = 0; m < metricCount; m++)
        {
            if (!SkimCount(data, ref position, out var nameLength) || nameLength > data.Length - position)
                return -1;
            position += nameLength;
            if (!SkimCount(data, ref position, out var count) || count > data.Length - position)
                return -1;
            var flags = data.Slice(position, count);
            position += count;
            var varints = 0;
            foreach (var flag in flags)
                varints += (flag & HasStep) + ((flag & HasTimestamp) >> 1);
            for (var v = 0; v < varints; v++)
            {
                // A varint ends at its first byte without the high bit.
                var end = data[position..].IndexOfAnyInRange((byte)0, (byte)0x7f);
                if (end < 0)
                    return -1;
                position += end + 1;
            }
            if ((long)count * 8 > data.Length - position)
                return -1;
            position += count * 8;
            total += count;
        }
        return position == data.Length && total <= int.MaxValue ? (int)total : -1;
    }

    private static bool SkimCount(ReadOnlySpan<byte> data, ref int position, out int value)
    {
        ulong result = 0;
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                if (result > (ulong)(data.Length - position))
                    return false;
                value = (int)result;
                return true;
            }
        }
        return false;
    }

    private static void DecodeCore(ReadOnlySpan<byte> data, string where, List<MetricPoint>? points, Span<MetricPoint> fixedTarget)
    {
        var reader = new Reader(data, where);
        if (data.Length < 5 || !data[..4].SequenceEqual(Magic))
            throw Corrupt(where, "does not start with GTMH");
        reader.Position = 4;
        var version = reader.Byte();
        if (version != Version)
            throw Corrupt(where, $"has format version {version}, this gittrack reads {Version}");
        var metricCount = reader.Count();
        // Every point takes at least its flag byte and its 8-byte value, so this bounds the points still to come.
        points?.EnsureCapacity(points.Count + (data.Length - reader.Position) / 9);
        var written = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        long[]? column = null;
        try
        {
            for (var m = 0; m < metricCount; m++)
            {
                var nameLength = reader.Count();
                string name;
                try
                {
                    name = utf8.GetString(reader.Bytes(nameLength));
                }
                catch (DecoderFallbackException)
                {
                    throw Corrupt(where, "has a metric name that is not UTF-8");
                }
                if (name.Length == 0 || !names.Add(name))
                    throw Corrupt(where, $"has an empty or repeated metric name '{name}'");
                var count = reader.Count();
                var flags = reader.Bytes(count);
                if (column is null || column.Length < 2 * count)
                {
                    if (column is not null)
                        System.Buffers.ArrayPool<long>.Shared.Return(column);
                    column = System.Buffers.ArrayPool<long>.Shared.Rent(2 * count);
                }
                var steps = column.AsSpan(0, count);
                var times = column.AsSpan(count, count);
                long previous = 0;
                for (var i = 0; i < count; i++)
                    if ((flags[i] & HasStep) != 0)
                        steps[i] = previous = unchecked(previous + UnZigZag(reader.Varint()));
                previous = 0;
                for (var i = 0; i < count; i++)
                    if ((flags[i] & HasTimestamp) != 0)
                    {
                        previous = unchecked(previous + UnZigZag(reader.Varint()));
                        if (previous < MinUnixMilliseconds || previous > MaxUnixMilliseconds)
                            throw Corrupt(where, $"metric '{name}' has a timestamp out of range");
                        times[i] = previous;
                    }
                var values = reader.Bytes(checked(count * 8));
                if (flags.IndexOfAnyExceptInRange((byte)0, (byte)(HasStep | HasTimestamp)) >= 0)
                    throw Corrupt(where, $"metric '{name}' has unknown point flags");
                Span<MetricPoint> target;
                if (points is not null)
                {
                    var start = points.Count;
                    System.Runtime.InteropServices.CollectionsMarshal.SetCount(points, start + count);
                    target = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(points).Slice(start, count);
                }
                else
                {
                    if (count > fixedTarget.Length - written)
                        throw Corrupt(where, "holds more points than counted");
                    target = fixedTarget.Slice(written, count);
                }
                written += count;
                for (var i = 0; i < count; i++)
                {
                    var flag = flags[i];
                    target[i] = new MetricPoint(
                        name,
                        BinaryPrimitives.ReadDoubleLittleEndian(values.Slice(i * 8, 8)),
                        (flag & HasStep) != 0 ? steps[i] : null,
                        // Range checked above; the ticks constructor skips FromUnixTimeMilliseconds' own checks and division.
                        (flag & HasTimestamp) != 0 ? new DateTimeOffset(UnixEpochTicks + times[i] * TimeSpan.TicksPerMillisecond, TimeSpan.Zero) : null);
                }
            }
        }
        finally
        {
            if (column is not null)
                System.Buffers.ArrayPool<long>.Shared.Return(column);
        }
        if (reader.Position != data.Length)
            throw Corrupt(where, "has trailing bytes");
        if (points is null && written != fixedTarget.Length)
            throw Corrupt(where, "holds fewer points than counted");
    }

    private const long MinUnixMilliseconds = -62135596800000L;
    private const long MaxUnixMilliseconds = 253402300799999L;
    private const long UnixEpochTicks = 621355968000000000L;

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }

    private static CorruptDataException Corrupt(string where, string what) =>
        new($"metric history {where} {what}", "the runs branch was written by another tool or damaged; check it with 'git fsck'");

    private ref struct Reader(ReadOnlySpan<byte> data, string where)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        public int Position;

        public byte Byte() => Position < _data.Length ? _data[Position++] : throw Corrupt(where, "is truncated");

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > _data.Length - Position)
                throw Corrupt(where, "is truncated");
            var slice = _data.Slice(Position, count);
            Position += count;
            return slice;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
            throw Corrupt(where, "has a varint longer than 10 bytes");
        }

        /// <summary>A count, bounded by the bytes left so a forged header cannot make us allocate gigabytes.</summary>
        public int Count()
        {
            var value = Varint();
            return value <= (ulong)(_data.Length - Position) ? (int)value : throw Corrupt(where, "has a count larger than the data");
        }
    }

    private sealed class ArraySegmentList(IReadOnlyList<MetricPoint> inner, int start, int count) : IReadOnlyList<MetricPoint>
    {
        public MetricPoint this[int index] => inner[start + index];
        public int Count => count;
        public IEnumerator<MetricPoint> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
                yield return inner[start + i];
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
