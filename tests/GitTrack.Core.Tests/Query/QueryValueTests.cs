using GitTrack.Core.Query;

namespace GitTrack.Core.Tests.Query;

/// <summary>Values as the query language holds them: kinds from stored objects, text forms, dates keeping their offset.</summary>
public sealed class QueryValueTests
{
    [Fact]
    public void Stored_param_values_become_the_matching_kind()
    {
        Assert.Equal(QueryValueKind.Number, QueryValue.FromObject(32L)!.Value.Kind);
        Assert.Equal(QueryValueKind.Number, QueryValue.FromObject(0.5)!.Value.Kind);
        Assert.Equal(QueryValueKind.Number, QueryValue.FromObject(3)!.Value.Kind);
        Assert.Equal(QueryValueKind.Number, QueryValue.FromObject(1.5m)!.Value.Kind);
        Assert.Equal(QueryValueKind.Bool, QueryValue.FromObject(true)!.Value.Kind);
        Assert.Equal(QueryValueKind.Text, QueryValue.FromObject("adam")!.Value.Kind);
        Assert.Equal(QueryValueKind.Duration, QueryValue.FromObject(TimeSpan.FromSeconds(3))!.Value.Kind);
        Assert.Equal(QueryValueKind.Date, QueryValue.FromObject(DateTimeOffset.UnixEpoch)!.Value.Kind);
        Assert.Null(QueryValue.FromObject(null));
    }

    [Fact]
    public void Text_forms_are_short_and_invariant()
    {
        Assert.Equal("0.001", QueryValue.FromNumber(0.001).ToString());
        Assert.Equal("32", QueryValue.FromObject(32L)!.Value.ToString());
        Assert.Equal("1E-07", QueryValue.FromNumber(1e-7).ToString());
        Assert.Equal("nan", QueryValue.FromNumber(double.NaN).ToString());
        Assert.Equal("-inf", QueryValue.FromNumber(double.NegativeInfinity).ToString());
        Assert.Equal("false", QueryValue.FromBool(false).ToString());
        Assert.Equal("1.5s", QueryValue.FromDuration(TimeSpan.FromMilliseconds(1500)).ToString());
    }

    [Fact]
    public void Dates_keep_their_offset_and_compare_by_instant()
    {
        var local = new DateTimeOffset(2026, 11, 1, 14, 0, 0, TimeSpan.FromHours(2));
        var value = QueryValue.FromDate(local);
        Assert.Equal(TimeSpan.FromHours(2), value.Date.Offset);
        Assert.Equal(local, value.Date);
        Assert.Equal("2026-11-01T14:00:00+02:00", value.ToString());
        Assert.Equal(QueryValue.FromDate(local.ToUniversalTime()), value);
    }

    [Fact]
    public void Equality_follows_kind_and_value()
    {
        Assert.Equal(QueryValue.FromText("a"), QueryValue.FromText("a"));
        Assert.NotEqual(QueryValue.FromText("1"), QueryValue.FromNumber(1));
        Assert.NotEqual(QueryValue.FromBool(true), QueryValue.FromNumber(1));
        Assert.Equal(QueryValue.FromNumber(2).GetHashCode(), QueryValue.FromNumber(2).GetHashCode());
    }
}
