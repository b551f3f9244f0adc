using GitTrack.Core.Errors;
using GitTrack.Core.Query;

namespace GitTrack.Core.Tests.Query;

/// <summary>Bad filters: each is one QuerySyntaxException (an InvalidInputException) saying what and where.</summary>
public sealed class QuerySyntaxErrorTests
{
    private static QuerySyntaxException Fails(string filter) => Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse(filter));

    [Fact]
    public void A_missing_value_is_reported_where_the_value_should_be()
    {
        var error = Fails("params.lr < and status = failed");
        Assert.Equal("bad filter: expected a value after '<', found 'and' at column 13", error.Message);
        Assert.Equal(12, error.Position);
        Assert.Equal(13, error.Column);
        Assert.Equal("params.lr < and status = failed", error.Expression);
        Assert.Equal("            ^", error.CaretLine);
        Assert.IsAssignableFrom<InvalidInputException>(error);
    }

    [Fact]
    public void A_value_missing_at_the_end_points_just_past_the_text()
    {
        var error = Fails("params.lr <");
        Assert.Equal("bad filter: expected a value after '<' at column 12", error.Message);
        Assert.Equal(11, error.Position);
        Assert.Equal("           ^", error.CaretLine);
    }

    [Fact]
    public void An_unterminated_string_points_at_its_opening_quote()
    {
        var error = Fails("name = \"baseline and status = failed");
        Assert.StartsWith("bad filter: unterminated string at column 8", error.Message);
        Assert.Equal(7, error.Position);
        Assert.Contains("\"", error.Hint);
        Assert.Equal(7, Fails("name = 'x\\'").Position);
    }

    [Fact]
    public void An_unknown_escape_is_an_error()
    {
        var error = Fails("name = \"a\\qb\"");
        Assert.Equal("bad filter: unknown escape '\\q' in a string at column 10", error.Message);
        Assert.Equal(8, Fails("name = \"\\u12\"").Position);
    }

    [Theory]
    [InlineData("params.lr => 0.1", "=>", 10, "did you mean >= or <=?")]
    [InlineData("params.lr <> 0.1", "<>", 10, "use != for 'not equal'")]
    [InlineData("name =~ res", "=~", 5, "use ~ to match a pattern")]
    [InlineData("params.a = 1 and ! params.b = 2", "!", 17, "write 'not' before a condition, or use != or !~")]
    [InlineData("params.lr === 1", "===", 10, "operators are = != < <= > >= ~ !~")]
    public void An_unknown_operator_is_named_with_a_hint(string filter, string op, int position, string hint)
    {
        var error = Fails(filter);
        Assert.Equal($"bad filter: unknown operator '{op}' at column {position + 1}", error.Message);
        Assert.Equal(position, error.Position);
        Assert.Equal(hint, error.Hint);
    }

    [Fact]
    public void A_field_without_an_operator_is_reported()
    {
        var error = Fails("params.lr 0.01");
        Assert.Equal("bad filter: expected an operator after 'params.lr', found '0.01' at column 11", error.Message);
        Assert.Equal("bad filter: expected an operator after 'metrics.\"val/loss\"' at column 19", Fails("metrics.\"val/loss\"").Message);
    }

    [Fact]
    public void Trailing_garbage_is_reported()
    {
        var error = Fails("params.lr < 0.01 foo");
        Assert.Equal("bad filter: unexpected 'foo' at column 18", error.Message);
        Assert.Equal(17, error.Position);
        Assert.Equal("write 'and' to join conditions", Fails("params.a = 1 && params.b = 2").Hint);
        Assert.Equal("bad filter: unexpected ')' with no '(' before it at column 13", Fails("params.a = 1) and params.b = 2").Message);
        Assert.Equal("bad filter: unexpected '\"run\"' at column 11", Fails("name = my \"run\"").Message);
    }

    [Fact]
    public void A_missing_condition_is_reported()
    {
        Assert.Equal("bad filter: expected a condition at column 1", Fails("").Message);
        Assert.Equal("bad filter: expected a condition at column 4", Fails("   ").Message);
        Assert.Equal("bad filter: expected a condition after 'and' at column 17", Fails("params.a = 1 and").Message);
        Assert.Equal("bad filter: expected a condition after 'or', found 'and' at column 17", Fails("params.a = 1 or and params.b = 2").Message);
        Assert.Equal("bad filter: expected a condition after 'not' at column 4", Fails("not").Message);
        Assert.Equal("bad filter: expected a condition, found ')' at column 2", Fails("()").Message);
    }

    [Fact]
    public void An_unclosed_parenthesis_names_where_it_was_opened()
    {
        var error = Fails("(params.a = 1 or params.b = 2");
        Assert.Equal("bad filter: expected ')' to close the '(' from column 1 at column 30", error.Message);
        Assert.Equal(29, error.Position);
    }

    [Theory]
    [InlineData("started > 2026-13-01", "2026-13-01")]
    [InlineData("started > 2026-02-30", "2026-02-30")]
    [InlineData("started > 2026-11-01T25:00", "2026-11-01T25:00")]
    [InlineData("started > 2026-11-01T12:60", "2026-11-01T12:60")]
    [InlineData("tags.day = 2026-11-01T1200", "2026-11-01T1200")]
    public void A_bad_date_is_reported_at_the_date(string filter, string date)
    {
        var error = Fails(filter);
        Assert.Equal($"bad filter: bad date '{date}' at column {filter.IndexOf(date, StringComparison.Ordinal) + 1}", error.Message);
        Assert.Contains("2026-11-01T12:00", error.Hint);
    }

    [Theory]
    [InlineData("duration > 1e300", "duration is a length of time, '1e300' is not")]
    [InlineData("duration > -1e400", "duration is a length of time, '-1e400' is not")]
    [InlineData("started > 0001-01-01", "bad date '0001-01-01'")]
    [InlineData("started < 9999-12-31", "bad date '9999-12-31'")]
    [InlineData("started > -100000w", "started is a date, '-100000w' is not")]
    public void Values_beyond_any_sensible_range_are_errors_not_crashes(string filter, string problem)
    {
        Assert.Equal(problem, Fails(filter).Problem);
    }

    [Fact]
    public void Extreme_but_sensible_values_compile_and_run()
    {
        var run = QueryTestRuns.Run("a", @params: [("x", 1e308)]);
        Assert.True(QueryTestRuns.Matches("params.x > 1e307", run));
        Assert.False(QueryTestRuns.Matches("params.x > 1e400", run));
        Assert.True(QueryTestRuns.Matches("started > -900w and started > 1000-01-01 and started < 9998-12-31T23:59+14:00", run));
        Assert.True(QueryTestRuns.Matches("started < 9998-12-31T23:59-14:00", run));
        Assert.False(QueryTestRuns.Matches("duration > 9000w", run));
    }

    [Fact]
    public void An_unknown_field_root_lists_the_valid_ones()
    {
        var error = Fails("params.lr < 1 and foo.bar = 2");
        Assert.Equal("bad filter: unknown field 'foo.bar' at column 19", error.Message);
        Assert.Equal(18, error.Position);
        Assert.Contains("params.NAME, metrics.NAME, tags.NAME, id, name, status, started", error.Hint);
        Assert.Contains("source.commit, source.branch, parent", error.Hint);
        Assert.StartsWith("did you mean 'params.lr'?", Fails("param.lr < 1").Hint);
        Assert.Equal("source has commit and branch: source.commit, source.branch", Fails("source.tree = x").Hint);
        Assert.Equal("bad filter: unknown field 'accuracy' at column 1", Fails("accuracy > 0.9").Message);
    }

    [Fact]
    public void A_keyed_root_needs_a_key()
    {
        Assert.Equal("bad filter: expected a name after 'params.' at column 8", Fails("params. = 1").Message);
        Assert.Equal("bad filter: expected a name after 'metrics.' at column 8", Fails("metrics = 1").Message);
        Assert.Equal("bad filter: 'params.*' names every key and is only allowed in a column list at column 1", Fails("params.* = 1").Message);
    }

    [Fact]
    public void A_value_that_does_not_fit_the_runs_own_field_is_reported()
    {
        var error = Fails("started > yesterday");
        Assert.Equal("bad filter: started is a date, 'yesterday' is not at column 11", error.Message);
        Assert.Equal("write -7d for 7d ago", Fails("started > 7d").Hint);
        Assert.Equal("bad filter: duration is a length of time, '-5m' is not at column 12", Fails("duration > -5m").Message);
        Assert.Equal("bad filter: exit_code is a number, 'zero' is not at column 13", Fails("exit_code = zero").Message);
        var status = Fails("status = complete");
        Assert.Equal("bad filter: unknown status 'complete' at column 10", status.Message);
        Assert.Equal("a status is one of running, completed, failed, killed, crashed", status.Hint);
    }

    [Fact]
    public void A_keyword_where_a_value_belongs_suggests_quoting()
    {
        var error = Fails("tags.mode = not");
        Assert.Equal("bad filter: expected a value after '=', found 'not' at column 13", error.Message);
        Assert.Equal("quote it to compare with the word: \"not\"", error.Hint);
        Assert.True(QueryTestRuns.Matches("tags.mode = \"not\"", QueryTestRuns.Run("a", tags: [("mode", "not")])));
    }

    [Fact]
    public void The_caret_line_keeps_tabs_so_it_lines_up()
    {
        var error = Fails("params.a = 1\tand\tparams.b <");
        Assert.Equal("            \t   \t          ^", error.CaretLine);
        Assert.Equal(error.Expression.Length, error.CaretLine.Length - 1);
    }

    [Fact]
    public void The_label_names_what_was_parsed()
    {
        Assert.StartsWith("bad sort key: ", Assert.Throws<QuerySyntaxException>(() => SortSpec.Parse("foo")).Message);
        Assert.StartsWith("bad columns: ", Assert.Throws<QuerySyntaxException>(() => ColumnList.Parse("id,,name")).Message);
        Assert.StartsWith("bad best filter: ", Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse("x", "best filter")).Message);
    }

    [Fact]
    public void Any_text_either_parses_and_runs_or_is_a_syntax_error()
    {
        // Pieces of the language glued at random (fixed seed): nothing may escape as another exception type.
        string[] pieces =
        [
            "params.lr", "metrics.\"val/loss\"", "tags.x", "started", "duration", "status", "source.commit", "exit_code", "foo",
            "=", "!=", "<", "<=", ">", ">=", "~", "!~", "!", "=>", "and", "or", "not", "(", ")", "exists(", ",", "0.01", "-1e-3",
            "-7d", "5m", "2026-11-01", "2026-11-01T12:00", "2026-13-40", "'a\\'b'", "\"unterminated", "\"\\q\"", "main", "*", "res?",
            " ", " ", "", "params.", "params.*", ":desc", "-",
        ];
        var runs = new[]
        {
            QueryTestRuns.Run("a", @params: [("lr", 0.01)], metrics: [("val/loss", 0.5)], tags: [("x", "main")]),
            QueryTestRuns.Run("b", status: GitTrack.Core.Runs.RunStatus.Running, exitCode: null, @params: [("lr", "auto")]),
        };
        var random = new Random(12345);
        for (int n = 0; n < 5000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? "" : " ")));
            foreach (var parse in new Action[]
            {
                () => runs.Count(QueryParser.Parse(text).Compile(RunRecordFields.Instance, QueryTestRuns.Context)),
                () => SortSpec.Parse(text).Apply(runs, RunRecordFields.Instance),
                () => ColumnList.Expand(ColumnList.Parse(text), runs, RunRecordFields.Instance),
            })
            {
                try
                {
                    parse();
                }
                catch (QuerySyntaxException e)
                {
                    Assert.InRange(e.Position, 0, text.Length);
                }
            }
        }
    }

    [Theory]
    [InlineData("metrics.val_auc > high", 18)]
    [InlineData("metrics.val_auc = \"high\"", 18)]
    [InlineData("metrics.loss < 2026-01-01", 15)]
    [InlineData("metrics.loss = true", 15)]
    public void A_metric_compared_with_something_that_is_not_a_number_is_an_error_at_the_value(string filter, int position)
    {
        var error = Fails(filter);
        Assert.Equal(position, error.Position);
        Assert.Contains("is a number", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(filter[..filter.IndexOf(' ')] + " is a number", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.loss < 0.5")]
    [InlineData("metrics.loss < \"0.5\"")]
    [InlineData("metrics.epoch_time > 1m")]
    [InlineData("metrics.loss != nan")]
    [InlineData("metrics.loss < inf")]
    [InlineData("metrics.loss > -Infinity")]
    [InlineData("metrics.loss ~ \"0.5*\"")]
    public void A_metric_compared_with_a_number_a_duration_nan_or_an_infinity_parses(string filter) =>
        QueryParser.Parse(filter);
}
