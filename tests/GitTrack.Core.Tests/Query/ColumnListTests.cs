using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using static GitTrack.Core.Tests.Query.QueryTestRuns;

namespace GitTrack.Core.Tests.Query;

/// <summary>Column lists: parsing, wildcards expanded over the runs shown, reading a column's values.</summary>
public sealed class ColumnListTests
{
    [Fact]
    public void A_column_list_parses_into_field_paths()
    {
        var columns = ColumnList.Parse("id, name,status,params.lr,metrics.\"val, loss\",source.branch,duration");
        Assert.Equal(
        [
            FieldPath.Id, FieldPath.Name, FieldPath.Status, FieldPath.Param("lr"), FieldPath.Metric("val, loss"),
            FieldPath.SourceBranch, FieldPath.Duration,
        ], columns);
    }

    [Fact]
    public void Bad_column_lists_are_reported_with_positions()
    {
        Assert.Equal("bad columns: expected a field name, found ',' at column 4",
            Assert.Throws<QuerySyntaxException>(() => ColumnList.Parse("id,,name")).Message);
        Assert.Equal("bad columns: unknown field 'lr' at column 4",
            Assert.Throws<QuerySyntaxException>(() => ColumnList.Parse("id,lr")).Message);
        Assert.Equal("bad columns: unexpected 'name' at column 4",
            Assert.Throws<QuerySyntaxException>(() => ColumnList.Parse("id name status")).Message);
    }

    [Fact]
    public void Wildcards_expand_to_every_key_the_runs_have()
    {
        RunRecord[] runs =
        [
            Run("a", @params: [("lr", 0.1), ("batch", 32L)], metrics: [("acc", 0.9)]),
            Run("b", @params: [("lr", 0.01), ("seed", 1L)], tags: [("stage", "dev")]),
        ];
        var columns = ColumnList.Parse("id,params.lr,params.*,tags.*,metrics.*");
        Assert.True(columns[2].IsWildcard);
        var expanded = ColumnList.Expand(columns, runs, RunRecordFields.Instance);
        Assert.Equal(
        [
            FieldPath.Id, FieldPath.Param("lr"), FieldPath.Param("batch"), FieldPath.Param("seed"),
            FieldPath.Tag("stage"), FieldPath.Metric("acc"),
        ], expanded);
    }

    [Fact]
    public void A_quoted_star_is_a_key_named_star()
    {
        var column = Assert.Single(ColumnList.Parse("params.\"*\""));
        Assert.False(column.IsWildcard);
        Assert.Equal("*", column.Key);
    }

    [Fact]
    public void Column_values_read_as_the_language_sees_them()
    {
        var run = Run("a", started: new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), duration: TimeSpan.FromSeconds(90),
            @params: [("lr", 0.001), ("batch", 32L), ("amp", true), ("opt", "adam")], metrics: [("acc", 0.925)]);
        var fields = RunRecordFields.Instance;
        string? Show(string column) => fields.Get(run, FieldPath.Parse(column))?.ToString();
        Assert.Equal("0.001", Show("params.lr"));
        Assert.Equal("32", Show("params.batch"));
        Assert.Equal("true", Show("params.amp"));
        Assert.Equal("adam", Show("params.opt"));
        Assert.Equal("0.925", Show("metrics.acc"));
        Assert.Equal("2026-11-01T12:00:00+00:00", Show("started"));
        Assert.Equal("90s", Show("duration"));
        Assert.Equal("completed", Show("status"));
        Assert.Equal("main", Show("source.branch"));
        Assert.Null(Show("params.missing"));
        Assert.Equal(32.0, fields.Get(run, FieldPath.Param("batch"))!.Value.ToObject());
        Assert.Equal(true, fields.Get(run, FieldPath.Param("amp"))!.Value.ToObject());
        Assert.Equal(TimeSpan.FromSeconds(90), fields.Get(run, FieldPath.Duration)!.Value.ToObject());
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), fields.Get(run, FieldPath.Started)!.Value.ToObject());
        Assert.Null(Show("parent"));
    }
}
