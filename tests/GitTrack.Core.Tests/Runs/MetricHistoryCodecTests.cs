using System.IO.Compression;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Tests.Runs;

public sealed class MetricHistoryCodecTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void History_round_trips_special_values_and_missing_fields()
    {
        MetricPoint[] points =
        [
            new("loss", 1.5, 0, T0),
            new("val/loss", double.NaN, null, T0.AddMilliseconds(5)),
            new("loss", double.PositiveInfinity, 10, null),
            new("loss", double.NegativeInfinity, null, null),
            new("loss", -0.0, -7, T0.AddSeconds(-3)),
            new("accuracy top-1 (%)", double.Epsilon, long.MaxValue, DateTimeOffset.FromUnixTimeMilliseconds(0)),
            new("accuracy top-1 (%)", double.MaxValue, long.MinValue, T0.AddYears(100)),
            new("ünï/cødé", 42, 1, T0),
        ];
        var back = MetricHistoryCodec.Decode(MetricHistoryCodec.Encode(points), "test");

        foreach (var name in points.Select(p => p.Name).Distinct())
        {
            var expected = points.Where(p => p.Name == name).ToArray();
            var actual = back.Where(p => p.Name == name).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].Value), BitConverter.DoubleToInt64Bits(actual[i].Value));
                Assert.Equal(expected[i].Step, actual[i].Step);
                Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
            }
        }
        Assert.Equal(points.Length, back.Count);
    }

    [Fact]
    public void Many_metrics_split_into_bounded_segments_and_come_back_in_order()
    {
        var points = Enumerable.Range(0, 10_000).Select(i => new MetricPoint($"m{i % 97}", i * 0.5, i, T0.AddMilliseconds(i))).ToArray();
        var segments = MetricHistoryCodec.EncodeSegments(points, maxPoints: 3000);
        Assert.Equal(4, segments.Count);
        var back = segments.SelectMany((s, i) => MetricHistoryCodec.Decode(s, $"{i}")).ToArray();
        Assert.Equal(points.Length, back.Length);
        foreach (var group in back.GroupBy(p => p.Name))
            Assert.Equal(points.Where(p => p.Name == group.Key).Select(p => p.Step), group.Select(p => p.Step));
    }

    [Fact]
    public void A_million_points_take_less_than_ten_megabytes_once_zlib_compressed_as_git_stores_them()
    {
        var random = new Random(1);
        var points = new MetricPoint[1_000_000];
        var loss = 2.0;
        for (var i = 0; i < points.Length; i++)
        {
            loss = loss * 0.99999 + random.NextDouble() * 1e-3;
            points[i] = new MetricPoint(i % 2 == 0 ? "loss" : "val/loss", loss, i / 2, T0.AddMilliseconds(i * 3L));
        }
        long total = 0;
        foreach (var segment in MetricHistoryCodec.EncodeSegments(points))
        {
            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                zlib.Write(segment);
            total += compressed.Length;
        }
        Assert.True(total <= 10_000_000, $"{total} bytes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    public void Truncated_history_is_reported_as_corrupt(int keep)
    {
        var bytes = MetricHistoryCodec.Encode([new MetricPoint("loss", 1, 1, T0), new MetricPoint("acc", 2, null, null)]);
        Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.Decode(bytes.AsSpan(0, keep), "r/00000.bin"));
        Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.Decode(bytes.AsSpan(0, bytes.Length - 1), "r/00000.bin"));
        Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.Decode([.. bytes, 0], "r/00000.bin"));
    }

    [Fact]
    public void Counting_a_segment_gives_its_decoded_length_and_refuses_any_cut_or_extended_copy()
    {
        MetricPoint[] points = [.. Enumerable.Range(0, 1000).Select(i => new MetricPoint(i % 3 == 0 ? "acc" : "loss", i,
            i % 4 == 0 ? null : i * 1000L, i % 5 == 0 ? null : T0.AddDays(i)))];
        var bytes = MetricHistoryCodec.Encode(points);

        Assert.Equal(1000, MetricHistoryCodec.CountPoints(bytes));
        var target = new MetricPoint[1000];
        MetricHistoryCodec.DecodeInto(bytes, "r/00000.bin", target);
        Assert.Equal(MetricHistoryCodec.Decode(bytes, "r/00000.bin"), target);
        for (var keep = 0; keep < bytes.Length; keep++)
            Assert.Equal(-1, MetricHistoryCodec.CountPoints(bytes.AsSpan(0, keep)));
        Assert.Equal(-1, MetricHistoryCodec.CountPoints([.. bytes, 0]));
        Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.DecodeInto(bytes, "r/00000.bin", new MetricPoint[999]));
        Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.DecodeInto(bytes, "r/00000.bin", new MetricPoint[1001]));
    }

    [Fact]
    public void A_forged_count_is_rejected_without_allocating_it()
    {
        byte[] forged = [.. "GTMH"u8, 1, 1, 4, .. "loss"u8, 0xff, 0xff, 0xff, 0xff, 0x0f];
        var error = Assert.Throws<CorruptDataException>(() => MetricHistoryCodec.Decode(forged, "r/00000.bin"));
        Assert.Contains("r/00000.bin", error.Message, StringComparison.Ordinal);
    }
}
