using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using static GitTrack.Core.Tests.Query.QueryTestRuns;

namespace GitTrack.Core.Tests.Query;

/// <summary>Sort keys: parsing directions, missing values last, mixed types, stability.</summary>
public sealed class SortSpecTests
{
    private static string[] Sorted(string sort, params RunRecord[] runs) =>
        SortSpec.Parse(sort).Apply(runs, RunRecordFields.Instance).Select(r => r.Id).ToArray();

    [Fact]
    public void Keys_parse_with_their_direction()
    {
        var spec = SortSpec.Parse("metrics.val_accuracy:desc, -params.lr,+name,started:asc,metrics.\"val/loss\":DESC");
        Assert.Equal(
        [
            new SortKey(FieldPath.Metric("val_accuracy"), true),
            new SortKey(FieldPath.Param("lr"), true),
            new SortKey(FieldPath.Name, false),
            new SortKey(FieldPath.Started, false),
            new SortKey(FieldPath.Metric("val/loss"), true),
        ], spec.Keys);
        Assert.Equal("-metrics.val_accuracy,-params.lr,name,started,-metrics.val/loss", spec.ToString());
    }

    [Fact]
    public void Bad_sort_keys_are_reported_with_positions()
    {
        var error = Assert.Throws<QuerySyntaxException>(() => SortSpec.Parse("metrics.acc,foo"));
        Assert.Equal("bad sort key: unknown field 'foo' at column 13", error.Message);
        Assert.Equal("bad sort key: expected a field name at column 13", Assert.Throws<QuerySyntaxException>(() => SortSpec.Parse("metrics.acc,")).Message);
        Assert.Equal("bad sort key: unexpected 'name' at column 13", Assert.Throws<QuerySyntaxException>(() => SortSpec.Parse("metrics.acc name")).Message);
        Assert.StartsWith("bad sort key: a sort key has either a leading - or a :desc/:asc suffix, not both",
            Assert.Throws<QuerySyntaxException>(() => SortSpec.Parse("-metrics.acc:desc")).Message);
    }

    [Fact]
    public void Numbers_sort_numerically_in_both_directions()
    {
        RunRecord[] runs = [Run("a", metrics: [("acc", 0.9)]), Run("b", metrics: [("acc", 0.95)]), Run("c", metrics: [("acc", 0.1)])];
        Assert.Equal(["c", "a", "b"], Sorted("metrics.acc", runs));
        Assert.Equal(["b", "a", "c"], Sorted("-metrics.acc", runs));
        Assert.Equal(["b", "a", "c"], Sorted("metrics.acc:desc", runs));
    }

    [Fact]
    public void Missing_values_and_nan_sort_last_in_either_direction()
    {
        RunRecord[] runs =
        [
            Run("none"),
            Run("low", metrics: [("acc", 0.1)]),
            Run("nan", metrics: [("acc", double.NaN)]),
            Run("high", metrics: [("acc", 0.9)]),
        ];
        Assert.Equal(["low", "high", "none", "nan"], Sorted("metrics.acc", runs));
        Assert.Equal(["high", "low", "none", "nan"], Sorted("-metrics.acc", runs));
    }

    [Fact]
    public void Later_keys_break_ties_and_equal_runs_keep_their_order()
    {
        RunRecord[] runs =
        [
            Run("1", @params: [("lr", 0.1)], metrics: [("acc", 0.9)]),
            Run("2", @params: [("lr", 0.01)], metrics: [("acc", 0.9)]),
            Run("3", @params: [("lr", 0.1)], metrics: [("acc", 0.8)]),
            Run("4", @params: [("lr", 0.01)], metrics: [("acc", 0.9)]),
            Run("5", @params: [("lr", 0.1)], metrics: [("acc", 0.9)]),
        ];
        Assert.Equal(["2", "4", "1", "5", "3"], Sorted("-metrics.acc,params.lr", runs));
        Assert.Equal(["1", "5", "2", "4", "3"], Sorted("-metrics.acc,-params.lr", runs));
        Assert.Equal(["1", "2", "4", "5", "3"], Sorted("-metrics.acc", runs));
    }

    [Fact]
    public void Mixed_types_sort_numbers_then_booleans_then_text_and_numeric_text_as_numbers()
    {
        RunRecord[] runs =
        [
            Run("word", @params: [("x", "auto")]),
            Run("ten", @params: [("x", 10L)]),
            Run("bool", @params: [("x", true)]),
            Run("textTwo", @params: [("x", "2")]),
            Run("half", @params: [("x", 0.5)]),
            Run("missing"),
            Run("apple", @params: [("x", "Apple")]),
        ];
        Assert.Equal(["half", "textTwo", "ten", "bool", "apple", "word", "missing"], Sorted("params.x", runs));
        Assert.Equal(["word", "apple", "bool", "ten", "textTwo", "half", "missing"], Sorted("-params.x", runs));
    }

    [Fact]
    public void Dates_durations_status_and_names_sort()
    {
        RunRecord[] runs =
        [
            Run("b", name: "beta", started: Now.AddDays(-1), duration: TimeSpan.FromMinutes(5), status: RunStatus.Failed, exitCode: 1),
            Run("a", name: "alpha", started: Now.AddDays(-3), duration: TimeSpan.FromMinutes(50)),
            Run("c", name: "Gamma", started: Now.AddDays(-2), status: RunStatus.Running, exitCode: null),
        ];
        Assert.Equal(["b", "c", "a"], Sorted("-started", runs));
        Assert.Equal(["b", "a", "c"], Sorted("duration", runs));
        Assert.Equal(["c", "a", "b"], Sorted("name", runs));
        Assert.Equal(["a", "b", "c"], Sorted("status", runs));
        Assert.Equal(["a", "b", "c"], Sorted("exit_code", runs));
    }

    [Fact]
    public void Sorting_leaves_the_input_alone()
    {
        var runs = new List<RunRecord> { Run("b", metrics: [("acc", 2)]), Run("a", metrics: [("acc", 1)]) };
        var sorted = SortSpec.Parse("metrics.acc").Apply(runs, RunRecordFields.Instance);
        Assert.Equal(["a", "b"], sorted.Select(r => r.Id));
        Assert.Equal(["b", "a"], runs.Select(r => r.Id));
    }

    [Fact]
    public void Run_query_filters_sorts_and_limits()
    {
        RunRecord[] runs =
        [
            Run("a", metrics: [("acc", 0.7)], @params: [("lr", 0.1)]),
            Run("b", metrics: [("acc", 0.9)], @params: [("lr", 0.001)]),
            Run("c", metrics: [("acc", 0.8)], @params: [("lr", 0.001)]),
            Run("d", @params: [("lr", 0.001)]),
        ];
        var fields = RunRecordFields.Instance;
        Assert.Equal(["b", "c"], RunQuery.Select(runs, fields, "params.lr < 0.01", "-metrics.acc", 2, Context).Select(r => r.Id));
        Assert.Equal(["b", "c", "d"], RunQuery.Select(runs, fields, "params.lr < 0.01", "-metrics.acc", null, Context).Select(r => r.Id));
        Assert.Equal(["a", "b", "c", "d"], RunQuery.Select(runs, fields, null, null, null, Context).Select(r => r.Id));
        Assert.Equal(["a", "c", "b", "d"], RunQuery.Select(runs, fields, " ", "metrics.acc", null, Context).Select(r => r.Id));
        Assert.Empty(RunQuery.Select(runs, fields, null, null, 0, Context));
        Assert.Throws<QuerySyntaxException>(() => RunQuery.Select(runs, fields, "params.lr <", null, null, Context));
    }
}
