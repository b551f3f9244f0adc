using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

public sealed class EventAccumulatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gittrack-accumulate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Batches_add_up_to_histories_last_values_params_tags_and_artifacts()
    {
        var path = Path.Combine(_dir, "events.jsonl");
        using var reader = new EventsFileReader(path);
        var accumulator = new EventAccumulator();
        var readAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        File.AppendAllText(path, """
            {"type":"metric","name":"loss","value":1.0,"step":0}
            {"type":"param","name":"lr","value":0.1}
            {"type":"artifact","path":"model.pt"}

            """);
        accumulator.Apply(reader.ReadNew(), readAt);
        Assert.True(accumulator.TakeChanged());
        Assert.False(accumulator.TakeChanged());

        accumulator.Apply(reader.ReadNew(), readAt);
        Assert.False(accumulator.TakeChanged());

        File.AppendAllText(path, """
            {"type":"metric","name":"loss","value":NaN,"step":1,"timestamp":0}
            {"type":"metric","name":"acc","value":0.5}
            {"type":"param","name":"lr","value":0.2}
            {"type":"tag","name":"stage","value":"dev"}
            {"type":"artifact","path":"model.pt"}
            oops

            """);
        accumulator.Apply(reader.ReadNew(final: true), readAt);
        Assert.True(accumulator.TakeChanged());

        Assert.Equal([new MetricPoint("loss", 1.0, 0, readAt), new MetricPoint("loss", double.NaN, 1, DateTimeOffset.UnixEpoch)],
            accumulator.Histories["loss"]);
        Assert.Equal(double.NaN, accumulator.LastValues["loss"]);
        Assert.Equal(0.5, accumulator.LastValues["acc"]);
        Assert.Equal(3, accumulator.PointCount);
        Assert.Equal(0.2, accumulator.Params["lr"]);
        Assert.Equal("dev", accumulator.Tags["stage"]);
        Assert.Equal(["model.pt"], accumulator.Artifacts);
        Assert.Equal(9, Assert.Single(accumulator.Problems).Line);
    }
}
