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
        order.Sort(StringComparer.Ordinal);

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
        var reader = new Reader(data, where);
        if (data.Length < 5 || !data[..4].SequenceEqual(Magic))
            throw Corrupt(where, "does not start with GTMH");
        reader.Position = 4;
        var version = reader.Byte();
        if (version != Version)
            throw Corrupt(where, $"has format version {version}, this gittrack reads {Version}");
        var metricCount = reader.Count();
        var points = new List<MetricPoint>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < metricCount; m++)
        {
            var nameLength = reader.Count();
            string name;
            try
            {
                name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(reader.Bytes(nameLength));
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt(where, "has a metric name that is not UTF-8");
            }
            if (name.Length == 0 || !names.Add(name))
                throw Corrupt(where, $"has an empty or repeated metric name '{name}'");
            var count = reader.Count();
            var flags = reader.Bytes(count).ToArray();
            var steps = new long?[count];
            var times = new DateTimeOffset?[count];
            long previous = 0;
            for (var i = 0; i < count; i++)
                if ((flags[i] & HasStep) != 0)
                    steps[i] = previous = unchecked(previous + UnZigZag(reader.Varint()));
            previous = 0;
            for (var i = 0; i < count; i++)
                if ((flags[i] & HasTimestamp) != 0)
                {
                    previous = unchecked(previous + UnZigZag(reader.Varint()));
                    if (previous < -62135596800000L || previous > 253402300799999L)
                        throw Corrupt(where, $"metric '{name}' has a timestamp out of range");
                    times[i] = DateTimeOffset.FromUnixTimeMilliseconds(previous);
                }
            var values = reader.Bytes(checked(count * 8));
            for (var i = 0; i < count; i++)
            {
                if ((flags[i] & ~(HasStep | HasTimestamp)) != 0)
                    throw Corrupt(where, $"metric '{name}' has unknown point flags");
                points.Add(new MetricPoint(name, BinaryPrimitives.ReadDoubleLittleEndian(values.Slice(i * 8, 8)), steps[i], times[i]));
            }
        }
        if (reader.Position != data.Length)
            throw Corrupt(where, "has trailing bytes");
        return points;
    }

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
