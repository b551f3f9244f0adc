using GitTrack.Web.Charts;

namespace GitTrack.Cli.Tests;

/// <summary>The server-side reduction of long metric series for charts.</summary>
public sealed class UiDownsamplerTests
{
    [Fact]
    public void Short_series_are_kept_whole()
    {
        Assert.Equal([0, 1, 2], Downsampler.Select([3.0, 1.0, 2.0], 2000));
    }

    [Fact]
    public void Long_series_keep_first_last_and_every_buckets_extremes()
    {
        var y = Enumerable.Range(0, 1_000_000).Select(i => Math.Sin(i / 1000.0)).ToArray();
        y[123_457] = 50;
        y[876_543] = -50;
        y[500_000] = double.NaN;
        var keep = Downsampler.Select(y, 2000);
        Assert.InRange(keep.Length, 1000, 2000);
        Assert.Equal(keep.Order(), keep);
        Assert.Equal(keep.Distinct().Count(), keep.Length);
        Assert.Equal(0, keep[0]);
        Assert.Equal(999_999, keep[^1]);
        Assert.Contains(123_457, keep);
        Assert.Contains(876_543, keep);
        Assert.Equal(y.Where(double.IsFinite).Max(), keep.Select(i => y[i]).Where(double.IsFinite).Max());
    }

    [Fact]
    public void Series_are_ordered_by_step_before_reduction()
    {
        var history = new[] { 3L, 1L, 2L }.Select(s => new GitTrack.Core.Runs.MetricPoint("loss", s * 10, s, null)).ToArray();
        var series = MetricSeries.Of(history, DateTimeOffset.UnixEpoch, MetricSeries.Axis.Step, 2000).Single();
        Assert.Equal([1.0, 2.0, 3.0], series.X);
        Assert.Equal([10.0, 20.0, 30.0], series.Y);
    }
}
