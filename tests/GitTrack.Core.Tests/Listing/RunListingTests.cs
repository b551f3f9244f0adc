using GitTrack.Core.Errors;
using GitTrack.Core.Listing;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Listing;

/// <summary>
/// The application layer the CLI and the web API share: the "differs" rule, the comparison's rows, and listing pages
/// (filter, sort, offset, limit, counts) over a real store.
/// </summary>
public sealed class RunListingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _repo = new();
    private readonly GitDirectories _dirs;
    private readonly string _tree;

    public RunListingTests()
    {
        _dirs = GitDirectories.Discover(_repo.Root);
        _tree = _repo.Git("rev-parse", "HEAD^{tree}").Trim();
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Values_differ_by_type_and_value_and_a_missing_value_differs_from_a_present_one()
    {
        Assert.True(FieldDifference.Differs([1L, 1.0]));          // an integer is not a float
        Assert.True(FieldDifference.Differs([1L, "1"]));          // nor text
        Assert.True(FieldDifference.Differs([0.1234567, 0.1234568])); // no rounding to what a table shows
        Assert.True(FieldDifference.Differs([0.5, null]));
        Assert.True(FieldDifference.Differs([null, "a"]));
        Assert.True(FieldDifference.Differs(["a", "A"]));         // ordinal text
        Assert.True(FieldDifference.Differs([true, false]));
        Assert.False(FieldDifference.Differs([double.NaN, double.NaN]));
        Assert.False(FieldDifference.Differs([null, null]));
        Assert.False(FieldDifference.Differs([2L, 2L, 2L]));
        Assert.False(FieldDifference.Differs(["x"]));
        // Times by instant, whatever the offset they were read with.
        Assert.False(FieldDifference.Differs([T0, T0.ToOffset(TimeSpan.FromHours(2))]));
    }

    [Fact]
    public void A_comparison_lists_run_fields_then_differing_params_metrics_and_tags_then_equal_ones_then_system_metrics()
    {
        var a = Run(0, "a") with
        {
            Params = Sorted<object>(("lr", 0.1), ("epochs", 10L), ("flag", true)),
            Metrics = Sorted(("acc", 0.9), ("system/cpu_percent", 50.0)),
            Tags = Sorted(("team", "vision")),
        };
        var b = Run(1, "b") with
        {
            Params = Sorted<object>(("lr", 0.1), ("epochs", 10.0)),
            Metrics = Sorted(("acc", 0.9), ("system/cpu_percent", 50.0)),
            Tags = Sorted(("team", "vision")),
        };

        var comparison = RunComparison.Of([a, b, a]);

        Assert.Equal([a.Id, b.Id], comparison.Runs.Select(r => r.Id));
        var fields = comparison.Rows.Select(r => r.Field).ToList();
        // parent and note are empty in both runs: left out. epochs (10 against 10.0) and flag (missing in b) differ.
        Assert.Equal(["id", "status", "started", "duration", "source.commit",
            "params.epochs", "params.flag", "params.lr", "metrics.acc", "tags.team", "metrics.system/cpu_percent"], fields);
        var byField = comparison.Rows.ToDictionary(r => r.Field);
        Assert.Equal([true, true, false, false, false, false], new[] { "params.epochs", "params.flag", "params.lr", "metrics.acc", "tags.team", "metrics.system/cpu_percent" }.Select(f => byField[f].Differs));
        Assert.Equal(("params", "epochs"), (byField["params.epochs"].Group, byField["params.epochs"].Key));
        Assert.Equal("system", byField["metrics.system/cpu_percent"].Group);
        Assert.Equal([true, null], byField["params.flag"].Values);
        Assert.Equal(("run", (string?)null, false), (byField["status"].Group, byField["status"].Key, byField["status"].Differs));
        Assert.True(byField["id"].Differs);
        Assert.True(byField["started"].Differs);
    }

    [Fact]
    public void A_sorted_page_kept_in_batches_is_the_same_slice_as_one_sort_of_everything()
    {
        // Ties on purpose (lr repeats, some runs lack it): the batched selection must keep the input order among them.
        var runs = Enumerable.Range(0, 40).Select(i => RunSummary.Of(Run(i, $"r{i:D2}") with
        {
            Params = i % 7 == 0 ? Sorted<object>() : Sorted<object>(("lr", (double)(i % 5))),
        })).ToList();
        var sort = SortSpec.Parse("-params.lr,name");
        var everything = sort.Apply(runs, RunSummaryFields.Instance);
        foreach (var count in new[] { 0, 1, 5, 13, 40, 100 })
            Assert.Equal(everything.Take(count).Select(r => r.Id), RunListing.Best(runs, sort, count, minBatch: 3).Select(r => r.Id));
        var ties = SortSpec.Parse("params.lr");
        Assert.Equal(ties.Apply(runs, RunSummaryFields.Instance).Take(9).Select(r => r.Id), RunListing.Best(runs, ties, 9, minBatch: 2).Select(r => r.Id));
    }

    [Fact]
    public void Pages_of_a_store_count_the_matches_and_all_runs_and_filter_sort_and_search_as_asked()
    {
        using var store = RunStore.Open(_dirs, new CrashDetector("this-host", "this-boot"));
        for (var i = 0; i < 12; i++)
            store.Create(Run(i, $"run-{i:D2}") with
            {
                Params = Sorted<object>(("lr", i % 3 == 0 ? 0.1 : 0.01), ("i", (long)i)),
                Tags = i == 4 ? Sorted(("owner", "Baseline-team")) : Sorted<string>(),
            });
        store.Remove(store.Resolve("run-11").Id);

        // The default order (newest first), paged: only the page is read; both counts are the listed runs.
        var page = RunListing.Page(store, new RunListQuery { Offset = 3, Limit = 4 });
        Assert.Equal(["run-07", "run-06", "run-05", "run-04"], page.Runs.Select(r => r.Name));
        Assert.Equal((11, 11, 4), (page.Matched, page.Total, page.Rest));
        Assert.Equal(12, RunListing.Page(store, new RunListQuery { Limit = 0, IncludeRemoved = true }).Total);

        // Filtered and sorted: the same runs, in the same order, as one filter and sort of everything.
        var query = new RunListQuery { Filter = "params.lr < 0.05", Sort = "-params.i", Offset = 2, Limit = 3 };
        var sorted = RunListing.Page(store, query);
        var all = RunQuery.Select(store.List(), RunSummaryFields.Instance, query.Filter, query.Sort);
        Assert.Equal(all.Skip(2).Take(3).Select(r => r.Id), sorted.Runs.Select(r => r.Id));
        Assert.Equal(["run-07", "run-05", "run-04"], sorted.Runs.Select(r => r.Name));
        Assert.Equal((7, 11, 2), (sorted.Matched, sorted.Total, sorted.Rest));
        // Filtered, not sorted: newest first.
        Assert.Equal(["run-10", "run-08"], RunListing.Page(store, new RunListQuery { Filter = "params.lr < 0.05", Limit = 2 }).Runs.Select(r => r.Name));

        // A lone word is a search only where the query allows it (the web UI's box); the command line refuses it.
        var search = RunListing.Page(store, new RunListQuery { Filter = "baseline", WordSearch = true });
        Assert.Equal(["run-04"], search.Runs.Select(r => r.Name));
        Assert.Throws<QuerySyntaxException>(() => RunListing.Page(store, new RunListQuery { Filter = "baseline" }));
        Assert.Throws<InvalidInputException>(() => RunListing.Page(store, new RunListQuery { Limit = -1 }));

        // The page's columns: every key, and those that vary (i always; lr varies only across the whole page).
        var columns = RunListing.Page(store, new RunListQuery { Filter = "params.lr = 0.1" }).Columns;
        Assert.Equal(["i", "lr"], columns.Params);
        Assert.Equal(["i"], columns.VaryingParams);
    }

    [Fact]
    public void Children_are_the_runs_started_inside_a_run_oldest_first_hidden_ones_left_out()
    {
        using var store = RunStore.Open(_dirs, new CrashDetector("this-host", "this-boot"));
        var parent = store.Create(Run(0, "sweep"));
        var second = store.Create(Run(2, "t2") with { Parent = parent.Id });
        var first = store.Create(Run(1, "t1") with { Parent = parent.Id });
        var hidden = store.Create(Run(3, "t3") with { Parent = parent.Id });
        store.Create(Run(4, "other"));
        store.Remove(hidden.Id);

        Assert.Equal([first.Id, second.Id], RunListing.Children(store, parent.Id).Select(r => r.Id));
    }

    private RunRecord Run(int minutes, string name) =>
        SampleRuns.Minimal(_tree, T0.AddMinutes(minutes), name, RunStatus.Completed) with { EndedAt = T0.AddMinutes(minutes + 1), ExitCode = 0 };

    private static SortedDictionary<string, T> Sorted<T>(params (string Key, T Value)[] items)
    {
        var map = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
            map[key] = value;
        return map;
    }
}
