using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using static GitTrack.Core.Tests.Query.QueryTestRuns;

namespace GitTrack.Core.Tests.Query;

/// <summary>What compiled filters keep: type rules, missing keys, dates, durations, matching, and the issue's question.</summary>
public sealed class QueryEvaluationTests
{
    [Fact]
    public void The_question_from_the_issue_finds_last_weeks_main_runs_with_a_small_learning_rate()
    {
        RunRecord[] runs =
        [
            Run("keep1", started: Now.AddDays(-2), @params: [("lr", 0.001)], metrics: [("val_accuracy", 0.91)]),
            Run("keep2", started: Now.AddDays(-6.9), @params: [("lr", 0.005)], metrics: [("val_accuracy", 0.93)]),
            Run("bigLr", started: Now.AddDays(-1), @params: [("lr", 0.01)], metrics: [("val_accuracy", 0.95)]),
            Run("branch", started: Now.AddDays(-1), branch: "feature/x", @params: [("lr", 0.001)]),
            Run("old", started: Now.AddDays(-8), @params: [("lr", 0.001)]),
            Run("noLr", started: Now.AddDays(-1)),
            Run("textLr", started: Now.AddDays(-1), @params: [("lr", "0.0005")]),
        ];
        const string filter = "params.lr < 0.01 and source.branch = main and started > -7d";
        Assert.Equal(["keep1", "keep2", "textLr"], Ids(filter, runs));

        var best = RunQuery.Select(runs, RunRecordFields.Instance, filter, "-metrics.val_accuracy", limit: 1, Context);
        Assert.Equal("keep2", Assert.Single(best).Id);
    }

    [Fact]
    public void Numbers_compare_as_numbers_whether_stored_as_long_double_or_text()
    {
        var asLong = Run("long", @params: [("batch", 32L)]);
        var asDouble = Run("double", @params: [("batch", 32.0)]);
        var asText = Run("text", @params: [("batch", "32")]);
        var notNumber = Run("word", @params: [("batch", "auto")]);
        Assert.Equal(["long", "double", "text"], Ids("params.batch = 32", asLong, asDouble, asText, notNumber));
        Assert.Equal(["long", "double", "text"], Ids("params.batch > 9", asLong, asDouble, asText, notNumber));
        Assert.Equal(["long", "double", "text"], Ids("params.batch = 3.2e1", asLong, asDouble, asText, notNumber));
        Assert.Equal(["long", "double", "text"], Ids("params.batch = \"32\"", asLong, asDouble, asText, notNumber));
        Assert.Equal(["word"], Ids("params.batch != 32", asLong, asDouble, asText, notNumber));
        Assert.Empty(Ids("params.batch < 100", notNumber));
    }

    [Fact]
    public void Negative_numbers_and_exponents_compare()
    {
        var run = Run("a", @params: [("lr", 0.0003), ("shift", -2L)]);
        Assert.True(Matches("params.lr < 1e-3", run));
        Assert.False(Matches("params.lr > 1e-3", run));
        Assert.True(Matches("params.shift < -1", run));
        Assert.True(Matches("params.shift >= -2", run));
        Assert.True(Matches("params.shift <= -2", run));
        Assert.False(Matches("params.shift<-2", run));
    }

    [Fact]
    public void Quoted_text_compares_exactly_when_both_sides_are_text()
    {
        var run = Run("a", tags: [("version", "1.10")]);
        Assert.True(Matches("tags.version = \"1.10\"", run));
        Assert.False(Matches("tags.version = \"1.1\"", run));
        // Unquoted, both read as numbers: 1.10 = 1.1.
        Assert.True(Matches("tags.version = 1.1", run));
    }

    [Fact]
    public void Text_compares_case_sensitively_and_orders_by_ordinal()
    {
        var run = Run("a", name: "Baseline");
        Assert.True(Matches("name = Baseline", run));
        Assert.False(Matches("name = baseline", run));
        Assert.True(Matches("name < c", run));
        Assert.True(Matches("name > Ba", run));
    }

    [Fact]
    public void Booleans_compare_with_booleans_and_with_text_true_or_false()
    {
        var on = Run("on", @params: [("amp", true)]);
        var off = Run("off", @params: [("amp", false)]);
        var text = Run("text", @params: [("amp", "True")]);
        Assert.Equal(["on", "text"], Ids("params.amp = true", on, off, text));
        Assert.Equal(["off"], Ids("params.amp = false", on, off, text));
        Assert.Equal(["off"], Ids("params.amp != true", on, off, text));
        Assert.Empty(Ids("params.amp > false", on, off, text));
        Assert.Empty(Ids("params.amp = 1", on, off));
    }

    [Fact]
    public void A_missing_key_makes_every_comparison_false()
    {
        var run = Run("a", @params: [("lr", 0.1)]);
        foreach (var op in new[] { "=", "!=", "<", "<=", ">", ">=", "~", "!~" })
        {
            Assert.False(Matches($"params.momentum {op} 0.9", run));
            Assert.False(Matches($"metrics.loss {op} 1", run));
            Assert.False(Matches($"tags.stage {op} x", run));
        }
    }

    [Fact]
    public void Not_and_exists_find_runs_without_a_key()
    {
        var with = Run("with", @params: [("opt", "adam")]);
        var other = Run("other", @params: [("opt", "sgd")]);
        var without = Run("without");
        Assert.Equal(["other"], Ids("params.opt != adam", with, other, without));
        Assert.Equal(["other", "without"], Ids("not params.opt = adam", with, other, without));
        Assert.Equal(["without"], Ids("not exists(params.opt)", with, other, without));
        Assert.Equal(["with", "other"], Ids("exists(params.opt)", with, other, without));
    }

    [Fact]
    public void Running_runs_have_no_end_or_duration()
    {
        var running = Run("running", status: RunStatus.Running, exitCode: null);
        Assert.False(Matches("duration > 0s", running));
        Assert.False(Matches("ended < 2100-01-01", running));
        Assert.False(Matches("exit_code = 0", running));
        Assert.True(Matches("not exists(ended)", running));
        Assert.True(Matches("status = running", running));
    }

    [Fact]
    public void Nan_metrics_are_unequal_to_everything()
    {
        var run = Run("a", metrics: [("loss", double.NaN)]);
        Assert.False(Matches("metrics.loss < 1", run));
        Assert.False(Matches("metrics.loss >= 1", run));
        Assert.False(Matches("metrics.loss = 1", run));
        Assert.True(Matches("metrics.loss != 1", run));
        Assert.True(Matches("metrics.loss ~ nan", run));
    }

    [Fact]
    public void Values_of_different_types_are_unequal()
    {
        var run = Run("a", @params: [("opt", "adam"), ("lr", 0.1)]);
        Assert.False(Matches("params.opt = 1", run));
        Assert.True(Matches("params.opt != 1", run));
        Assert.False(Matches("params.opt < 1", run));
        Assert.False(Matches("params.lr = adam", run));
        Assert.True(Matches("params.lr != adam", run));
        Assert.False(Matches("params.lr > adam", run));
        Assert.False(Matches("params.lr = true", run));
        Assert.False(Matches("params.lr > 2026-11-01", run));
    }

    [Fact]
    public void Status_compares_by_name_ignoring_case()
    {
        var failed = Run("failed", status: RunStatus.Failed, exitCode: 1);
        var done = Run("done");
        var killed = Run("killed", status: RunStatus.Killed, exitCode: 130);
        Assert.Equal(["failed"], Ids("status = Failed", failed, done, killed));
        Assert.Equal(["failed", "killed"], Ids("status != completed", failed, done, killed));
        Assert.Equal(["failed", "killed"], Ids("status = failed or status = killed", failed, done, killed));
        Assert.Equal(["failed", "killed"], Ids("exit_code != 0", failed, done, killed));
        Assert.Equal(["killed"], Ids("exit_code > 1", failed, done, killed));
    }

    [Fact]
    public void Absolute_dates_compare_at_their_precision()
    {
        var early = Run("early", started: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var noon = Run("noon", started: new DateTimeOffset(2026, 11, 1, 12, 0, 30, TimeSpan.Zero));
        var late = Run("late", started: new DateTimeOffset(2026, 11, 1, 23, 59, 59, TimeSpan.Zero));
        var next = Run("next", started: new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero));
        var before = Run("before", started: new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero));
        RunRecord[] all = [before, early, noon, late, next];
        Assert.Equal(["early", "noon", "late"], Ids("started = 2026-11-01", all));
        Assert.Equal(["before", "next"], Ids("started != 2026-11-01", all));
        Assert.Equal(["next"], Ids("started > 2026-11-01", all));
        Assert.Equal(["early", "noon", "late", "next"], Ids("started >= 2026-11-01", all));
        Assert.Equal(["before"], Ids("started < 2026-11-01", all));
        Assert.Equal(["before", "early", "noon", "late"], Ids("started <= 2026-11-01", all));
        Assert.Equal(["noon"], Ids("started = 2026-11-01T12:00", all));
        Assert.Equal(["late", "next"], Ids("started > 2026-11-01T12:00", all));
        Assert.Equal(["noon", "late", "next"], Ids("started >= 2026-11-01T12:00", all));
        Assert.Equal(["noon"], Ids("started = 2026-11-01T12:00:30", all));
        Assert.Equal(["late", "next"], Ids("started > 2026-11-01T12:00:30", all));
        Assert.Equal(["noon"], Ids("started = 2026-11-01T12:00:30.0", all));
    }

    [Fact]
    public void Dates_without_an_offset_are_local_to_the_contexts_time_zone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");
        var context = new QueryContext(Now, zone);
        // 23:30 UTC on Oct 31 is 01:30 on Nov 1 at +02:00.
        var run = Run("a", started: new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero));
        Assert.True(QueryParser.Parse("started = 2026-11-01").Compile(RunRecordFields.Instance, context)(run));
        Assert.False(QueryParser.Parse("started = 2026-11-01").Compile(RunRecordFields.Instance, Context)(run));
        Assert.True(QueryParser.Parse("started = 2026-11-01T01:30+02:00").Compile(RunRecordFields.Instance, Context)(run));
        Assert.True(QueryParser.Parse("started < 2026-11-01T00:00Z").Compile(RunRecordFields.Instance, context)(run));
    }

    [Fact]
    public void Relative_dates_count_back_from_the_injected_now()
    {
        RunRecord[] runs =
        [
            Run("hour", started: Now.AddMinutes(-59)),
            Run("day", started: Now.AddHours(-23)),
            Run("week", started: Now.AddDays(-6)),
            Run("month", started: Now.AddDays(-20)),
        ];
        Assert.Equal(["hour"], Ids("started > -1h", runs));
        Assert.Equal(["hour"], Ids("started > -60m", runs));
        Assert.Equal(["hour", "day"], Ids("started > -1d", runs));
        Assert.Equal(["hour", "day", "week"], Ids("started > -7d", runs));
        Assert.Equal(["hour", "day", "week"], Ids("started >= -1w", runs));
        Assert.Equal(["month"], Ids("started < -2w", runs));
        Assert.Equal(["week"], Ids("started < -1d and started > -1w", runs));

        var later = new QueryContext(Now.AddDays(2), TimeZoneInfo.Utc);
        var inLastDay = QueryParser.Parse("started > -1d").Compile(RunRecordFields.Instance, later);
        Assert.All(runs, run => Assert.False(inLastDay(run)));
    }

    [Fact]
    public void Durations_compare_by_length_and_plain_numbers_are_seconds()
    {
        RunRecord[] runs =
        [
            Run("quick", duration: TimeSpan.FromSeconds(45)),
            Run("medium", duration: TimeSpan.FromSeconds(90)),
            Run("long", duration: TimeSpan.FromHours(2)),
        ];
        Assert.Equal(["long"], Ids("duration > 5m", runs));
        Assert.Equal(["medium", "long"], Ids("duration >= 90s", runs));
        Assert.Equal(["medium"], Ids("duration = 1m30s", runs));
        Assert.Equal(["quick", "medium"], Ids("duration < 1.5h", runs));
        Assert.Equal(["medium", "long"], Ids("duration > 60", runs));
        Assert.Equal(["long"], Ids("duration >= 2h", runs));
    }

    [Fact]
    public void A_metric_compared_with_a_duration_is_read_as_seconds()
    {
        var run = Run("a", metrics: [("epoch_time", 75)], tags: [("budget", "10m")]);
        Assert.True(Matches("metrics.epoch_time > 1m", run));
        Assert.False(Matches("metrics.epoch_time > 2m", run));
        Assert.True(Matches("tags.budget = 600s", run));
    }

    [Fact]
    public void Text_values_that_hold_dates_compare_as_dates()
    {
        var run = Run("a", tags: [("released", "2026-11-03"), ("when", "2026-11-03T10:00:00Z")]);
        Assert.True(Matches("tags.released > 2026-11-01", run));
        Assert.True(Matches("tags.released = 2026-11-03", run));
        Assert.True(Matches("tags.when = 2026-11-03", run));
        Assert.True(Matches("tags.when > -30d", run));
    }

    [Fact]
    public void A_match_without_wildcards_is_a_case_insensitive_substring()
    {
        RunRecord[] runs = [Run("a", name: "ResNet50-baseline"), Run("b", name: "vit-small"), Run("c", name: "resnet18")];
        Assert.Equal(["a", "c"], Ids("name ~ resnet", runs));
        Assert.Equal(["a"], Ids("name ~ BASE", runs));
        Assert.Equal(["b"], Ids("name !~ resnet", runs));
        Assert.Equal(["a", "b", "c"], Ids("name ~ \"\"", runs));
    }

    [Fact]
    public void A_match_with_wildcards_is_a_case_insensitive_glob_over_the_whole_text()
    {
        RunRecord[] runs = [Run("a", name: "ResNet50-baseline"), Run("b", name: "vit-small"), Run("c", name: "resnet18")];
        Assert.Equal(["a", "c"], Ids("name ~ resnet*", runs));
        Assert.Empty(Ids("name ~ net*", runs));
        Assert.Equal(["a"], Ids("name ~ *-base*", runs));
        Assert.Equal(["c"], Ids("name ~ resnet??", runs));
        Assert.Equal(["a", "c"], Ids("name ~ \"res*n*t*\"", runs));
        Assert.Equal(["b"], Ids("name !~ res*", runs));
        Assert.Equal(["a", "b", "c"], Ids("name ~ *", runs));
    }

    [Fact]
    public void A_match_on_a_number_uses_its_text()
    {
        var run = Run("a", @params: [("lr", 0.001), ("layers", 12L)]);
        Assert.True(Matches("params.lr ~ 0.00*", run));
        Assert.True(Matches("params.lr ~ 001", run));
        Assert.True(Matches("params.layers ~ \"1?\"", run));
        Assert.False(Matches("params.layers ~ 12.0", run));
    }

    [Fact]
    public void Keys_with_odd_characters_are_reached_by_quoting()
    {
        var run = Run("a", metrics: [("val/loss", 0.25), ("acc (ema)", 0.9)], @params: [("optimizer.lr", 0.01)]);
        Assert.True(Matches("metrics.\"val/loss\" < 0.3", run));
        Assert.True(Matches("metrics.val/loss < 0.3", run));
        Assert.True(Matches("metrics.\"acc (ema)\" > 0.5", run));
        Assert.True(Matches("params.optimizer.lr = 0.01", run));
        Assert.True(Matches("params.\"optimizer.lr\" = 0.01", run));
    }

    [Fact]
    public void Commits_match_by_prefix_of_four_or_more_characters()
    {
        var run = Run("a", commit: "3fa2c81d9e0b4a5f6c7d8e9f0a1b2c3d4e5f6a7b");
        Assert.True(Matches("source.commit = 3fa2c81", run));
        Assert.True(Matches("source.commit = 3FA2", run));
        Assert.False(Matches("source.commit = 3fa", run));
        Assert.False(Matches("source.commit != 3fa2c81", run));
        Assert.True(Matches("source.commit != 4fa2", run));
    }

    [Fact]
    public void Parent_and_id_compare_as_text()
    {
        var child = Run("20261125-abcd", parent: "20261124-0001");
        Assert.True(Matches("parent = 20261124-0001", child));
        Assert.True(Matches("id ~ abcd", child));
        Assert.True(Matches("exists(parent)", child));
        Assert.False(Matches("exists(parent)", Run("orphan")));
    }

    [Fact]
    public void Parent_is_named_by_id_id_prefix_or_name_as_commands_name_runs()
    {
        const string sweep = "7c1e9a04aabbccdd6b0ff412";
        var trial = Run("trial", parent: sweep);
        var other = Run("other", parent: "0123456789abcdef6b0ff412");
        var names = Context with { RunsNamed = name => name == "lr-search" ? [sweep] : [] };
        bool Keep(string filter, RunRecord run) => QueryParser.Parse(filter).Compile(RunRecordFields.Instance, names)(run);

        Assert.True(Keep($"parent = {sweep}", trial));
        Assert.True(Keep("parent = 7c1e9a04", trial));
        Assert.True(Keep("parent = 7c1e", trial));
        Assert.False(Keep("parent = 7c1", trial)); // fewer than 4 digits: no prefix
        Assert.True(Keep("parent = lr-search", trial));
        Assert.False(Keep("parent = lr-search", other));
        Assert.True(Keep("parent != lr-search", other));
        Assert.False(Keep("parent = 7c1e9a04", other));
        // Without names (a context that knows none), a name matches nothing.
        Assert.False(Matches("parent = lr-search", trial));
    }

    [Fact]
    public void Or_and_not_combine_as_expected()
    {
        RunRecord[] runs =
        [
            Run("a", @params: [("lr", 0.1)], tags: [("stage", "prod")]),
            Run("b", @params: [("lr", 0.001)], tags: [("stage", "dev")]),
            Run("c", @params: [("lr", 0.001)]),
        ];
        Assert.Equal(["a", "b"], Ids("params.lr > 0.01 or tags.stage = dev", runs));
        Assert.Equal(["b"], Ids("params.lr < 0.01 and not (tags.stage = prod or not exists(tags.stage))", runs));
        Assert.Equal(["a"], Ids("(params.lr > 0.01 or tags.stage = dev) and tags.stage = prod", runs));
    }

    [Fact]
    public void A_compiled_filter_is_reusable_and_the_default_context_is_the_system_clock()
    {
        var filter = QueryParser.Parse("started > -1h").Compile(RunRecordFields.Instance);
        Assert.True(filter(Run("now", started: DateTimeOffset.Now.AddMinutes(-5))));
        Assert.False(filter(Run("old", started: DateTimeOffset.Now.AddHours(-5))));
        Assert.True(filter(Run("again", started: DateTimeOffset.Now.AddMinutes(-1))));
    }
}
