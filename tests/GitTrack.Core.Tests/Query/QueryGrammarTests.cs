using GitTrack.Core.Query;

namespace GitTrack.Core.Tests.Query;

/// <summary>The shape of parsed filters: precedence, parentheses, quoting, operators and how values are read.</summary>
public sealed class QueryGrammarTests
{
    private static string Tree(string filter) => QueryParser.Parse(filter).ToString();

    private static QueryLiteral Value(string filter) =>
        Assert.IsType<ComparisonExpression>(QueryParser.Parse(filter)).Value;

    [Fact]
    public void And_binds_tighter_than_or()
    {
        Assert.Equal("(params.a = 1 or (params.b = 2 and params.c = 3))", Tree("params.a = 1 or params.b = 2 and params.c = 3"));
        Assert.Equal("((params.a = 1 and params.b = 2) or params.c = 3)", Tree("params.a = 1 and params.b = 2 or params.c = 3"));
    }

    [Fact]
    public void Not_binds_tighter_than_and()
    {
        Assert.Equal("((not params.a = 1) and params.b = 2)", Tree("not params.a = 1 and params.b = 2"));
        Assert.Equal("(not (not params.a = 1))", Tree("not not params.a = 1"));
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        Assert.Equal("((params.a = 1 or params.b = 2) and params.c = 3)", Tree("(params.a = 1 or params.b = 2) and params.c = 3"));
        Assert.Equal("(not (params.a = 1 or params.b = 2))", Tree("not (params.a = 1 or params.b = 2)"));
        Assert.Equal("params.a = 1", Tree("((params.a = 1))"));
    }

    [Fact]
    public void Chains_of_and_and_or_group_to_the_left()
    {
        Assert.Equal("((params.a = 1 and params.b = 2) and params.c = 3)", Tree("params.a = 1 and params.b = 2 and params.c = 3"));
        Assert.Equal("((params.a = 1 or params.b = 2) or params.c = 3)", Tree("params.a = 1 or params.b = 2 or params.c = 3"));
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_spaces_are_optional_around_operators()
    {
        Assert.Equal("(params.a = 1 or ((not params.b < 2) and params.c >= 3))", Tree("params.a=1 OR NOT params.b<2 And params.c>=3"));
    }

    [Theory]
    [InlineData("=", QueryOperator.Equal)]
    [InlineData("==", QueryOperator.Equal)]
    [InlineData("!=", QueryOperator.NotEqual)]
    [InlineData("<", QueryOperator.Less)]
    [InlineData("<=", QueryOperator.LessOrEqual)]
    [InlineData(">", QueryOperator.Greater)]
    [InlineData(">=", QueryOperator.GreaterOrEqual)]
    [InlineData("~", QueryOperator.Match)]
    [InlineData("!~", QueryOperator.NotMatch)]
    public void Every_operator_parses(string op, QueryOperator expected)
    {
        var comparison = Assert.IsType<ComparisonExpression>(QueryParser.Parse($"params.x {op} 5"));
        Assert.Equal(expected, comparison.Operator);
        Assert.IsType<ComparisonExpression>(QueryParser.Parse($"params.x{op}5"));
    }

    [Fact]
    public void Field_roots_and_the_runs_own_fields_parse()
    {
        Assert.Equal(FieldPath.Param("lr"), Field("params.lr = 1"));
        Assert.Equal(FieldPath.Metric("val_accuracy"), Field("metrics.val_accuracy = 1"));
        Assert.Equal(FieldPath.Tag("stage"), Field("tags.stage = x"));
        Assert.Equal(FieldPath.Param("optimizer.lr"), Field("params.optimizer.lr = 1"));
        Assert.Equal(FieldPath.Metric("val/loss"), Field("metrics.val/loss = 1"));
        foreach (var (name, path) in FieldPath.OwnFields)
        {
            var value = path.FixedKind switch
            {
                QueryValueKind.Date => "2026-11-01",
                QueryValueKind.Duration => "5m",
                QueryValueKind.Number => "0",
                _ => path.Root == FieldRoot.Status ? "failed" : "x",
            };
            Assert.Equal(path, Field($"{name} = {value}"));
            Assert.Equal(name, path.ToString());
        }
    }

    [Fact]
    public void Quoted_keys_hold_odd_characters()
    {
        Assert.Equal(FieldPath.Metric("val/loss"), Field("metrics.\"val/loss\" < 1"));
        Assert.Equal(FieldPath.Metric("val loss (ema)"), Field("metrics.\"val loss (ema)\" < 1"));
        Assert.Equal(FieldPath.Param("a=b"), Field("params.'a=b' = 1"));
        Assert.Equal(FieldPath.Param("opt.lr x"), Field("params.opt.\"lr x\" = 1"));
        Assert.Equal("metrics.\"val loss (ema)\"", FieldPath.Metric("val loss (ema)").ToString());
        Assert.Equal("metrics.val/loss", FieldPath.Metric("val/loss").ToString());
    }

    [Fact]
    public void Field_paths_round_trip_through_their_text()
    {
        foreach (var key in new[] { "lr", "val/loss", "a b", "quote\"inside", "back\\slash", "x=y", "*" })
            Assert.Equal(FieldPath.Param(key), FieldPath.Parse(FieldPath.Param(key).ToString()));
    }

    [Theory]
    [InlineData("42", 42.0)]
    [InlineData("0.01", 0.01)]
    [InlineData("1e-3", 0.001)]
    [InlineData("2.5E+2", 250.0)]
    [InlineData("-3", -3.0)]
    [InlineData("-0.5", -0.5)]
    [InlineData(".5", 0.5)]
    [InlineData("+7", 7.0)]
    public void Numbers_are_read_as_numbers(string written, double expected)
    {
        var literal = Value($"params.x = {written}");
        Assert.Equal(QueryLiteralKind.Number, literal.Kind);
        Assert.Equal(expected, literal.Number, 12);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("TRUE", true)]
    public void Booleans_are_read_as_booleans(string written, bool expected)
    {
        var literal = Value($"params.x = {written}");
        Assert.Equal(QueryLiteralKind.Bool, literal.Kind);
        Assert.Equal(expected, literal.Bool);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("feature/new-loss")]
    [InlineData("resnet50")]
    [InlineData("nan")]
    [InlineData("0x1F")]
    [InlineData("1.2.3")]
    public void Bare_words_that_are_no_number_date_or_duration_are_text(string word)
    {
        var literal = Value($"tags.x = {word}");
        Assert.Equal(QueryLiteralKind.Text, literal.Kind);
        Assert.Equal(word, literal.Raw);
        Assert.False(literal.Quoted);
    }

    [Theory]
    [InlineData("\"0.01\"", "0.01")]
    [InlineData("'true'", "true")]
    [InlineData("\"my run\"", "my run")]
    [InlineData("'it\\'s'", "it's")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("\"a\\\\b\"", "a\\b")]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"line\\nbreak\"", "line\nbreak")]
    [InlineData("\"\\u00e9t\\u00E9\"", "été")]
    [InlineData("'single \"double\" inside'", "single \"double\" inside")]
    [InlineData("\"\"", "")]
    public void Quoted_strings_are_text_with_escapes_applied(string written, string expected)
    {
        var literal = Value($"tags.x = {written}");
        Assert.Equal(QueryLiteralKind.Text, literal.Kind);
        Assert.True(literal.Quoted);
        Assert.Equal(expected, literal.Raw);
    }

    [Theory]
    [InlineData("2026-11-01", 2026, 11, 1, 0, 0, 0, DatePrecision.Day)]
    [InlineData("2026-11-01T12:00", 2026, 11, 1, 12, 0, 0, DatePrecision.Minute)]
    [InlineData("2026-11-01T12:34:56", 2026, 11, 1, 12, 34, 56, DatePrecision.Second)]
    [InlineData("2026-11-01T12:34:56.5", 2026, 11, 1, 12, 34, 56, DatePrecision.Exact)]
    [InlineData("2026-11-01T08:00Z", 2026, 11, 1, 8, 0, 0, DatePrecision.Minute)]
    [InlineData("2026-02-28", 2026, 2, 28, 0, 0, 0, DatePrecision.Day)]
    public void Absolute_dates_are_read_with_their_precision(string written, int y, int mo, int d, int h, int mi, int s, DatePrecision precision)
    {
        var literal = Value($"started > {written}");
        Assert.Equal(QueryLiteralKind.Date, literal.Kind);
        Assert.Equal(new DateTime(y, mo, d, h, mi, s), new DateTime(literal.DateTime.Ticks - literal.DateTime.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(precision, literal.Precision);
    }

    [Fact]
    public void Date_offsets_are_kept()
    {
        Assert.Equal(TimeSpan.Zero, Value("started > 2026-11-01T08:00Z").Offset);
        Assert.Equal(TimeSpan.FromHours(2), Value("started > 2026-11-01T08:00+02:00").Offset);
        Assert.Equal(TimeSpan.FromHours(-5.5), Value("started > 2026-11-01T08:00-05:30").Offset);
        Assert.Null(Value("started > 2026-11-01T08:00").Offset);
    }

    [Theory]
    [InlineData("-7d", 7 * 24 * 3600)]
    [InlineData("-12h", 12 * 3600)]
    [InlineData("-30m", 30 * 60)]
    [InlineData("-2w", 14 * 24 * 3600)]
    [InlineData("-90s", 90)]
    [InlineData("-1d12h", 36 * 3600)]
    public void Relative_dates_say_how_long_ago(string written, int seconds)
    {
        var literal = Value($"started > {written}");
        Assert.Equal(QueryLiteralKind.RelativeDate, literal.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), literal.Duration);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("250ms", 0.25)]
    [InlineData("300", 300)]
    public void Durations_are_read_as_lengths_of_time(string written, double seconds)
    {
        var literal = Value($"duration > {written}");
        Assert.Equal(QueryLiteralKind.Duration, literal.Kind);
        Assert.Equal(seconds, literal.Duration.TotalSeconds, 6);
    }

    [Fact]
    public void A_match_keeps_its_pattern_as_written()
    {
        Assert.Equal("0.0*", Value("params.lr ~ 0.0*").Raw);
        Assert.Equal(QueryLiteralKind.Text, Value("params.lr ~ 0.01").Kind);
        Assert.Equal("2026-13", Value("name ~ 2026-13").Raw);
        Assert.Equal("res?et*", Value("name ~ res?et*").Raw);
    }

    [Fact]
    public void The_runs_text_fields_take_any_word_as_text()
    {
        var commit = Value("source.commit = 1234567");
        Assert.Equal(QueryLiteralKind.Text, commit.Kind);
        Assert.Equal("1234567", commit.Raw);
        Assert.Equal(QueryLiteralKind.Text, Value("name = 2026-11-01").Kind);
        Assert.Equal("failed", Value("status = FAILED").Raw);
    }

    [Fact]
    public void Quoted_dates_and_durations_are_accepted_for_date_and_duration_fields()
    {
        Assert.Equal(QueryLiteralKind.Date, Value("started >= \"2026-11-01 12:00\"").Kind);
        Assert.Equal(QueryLiteralKind.RelativeDate, Value("started >= '-7d'").Kind);
        Assert.Equal(QueryLiteralKind.Duration, Value("duration > '5m'").Kind);
    }

    [Fact]
    public void Exists_tests_a_field()
    {
        Assert.Equal("((not exists(params.lr)) or exists(metrics.val/loss))",
            Tree("not exists(params.lr) or exists( metrics.\"val/loss\" )"));
    }

    [Fact]
    public void Positions_point_into_the_text()
    {
        var expression = Assert.IsType<AndExpression>(QueryParser.Parse("params.a = 1 and  metrics.b > '5'"));
        var right = Assert.IsType<ComparisonExpression>(expression.Right);
        Assert.Equal(18, right.Position);
        Assert.Equal(30, right.Value.Position);
    }

    [Fact]
    public void The_question_from_the_issue_parses()
    {
        Assert.Equal("((params.lr < 0.01 and source.branch = main) and started > -7d)",
            Tree("params.lr < 0.01 and source.branch = main and started > -7d"));
    }

    private static FieldPath Field(string filter) => Assert.IsType<ComparisonExpression>(QueryParser.Parse(filter)).Field;

    [Fact]
    public void Every_example_in_the_documentation_parses()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "query.md"));
        var examples = doc.Split('\n').Where(line => line.StartsWith("gittrack ls ", StringComparison.Ordinal)).ToList();
        Assert.True(examples.Count >= 10, $"found {examples.Count} examples");
        int filters = 0;
        foreach (var line in examples)
        {
            var filter = System.Text.RegularExpressions.Regex.Match(line, "--filter '([^']*)'");
            if (!filter.Success)
                filter = System.Text.RegularExpressions.Regex.Match(line, "--filter \"((?:[^\"\\\\]|\\\\.)*)\"");
            if (filter.Success)
            {
                var text = filter.Groups[1].Value;
                if (line.Contains("--filter \"", StringComparison.Ordinal))
                    text = text.Replace("\\\"", "\"");
                if (!line.Contains("params.lr < and", StringComparison.Ordinal))
                {
                    QueryParser.Parse(text);
                    filters++;
                }
            }
            var sort = System.Text.RegularExpressions.Regex.Match(line, "--sort '?([^' ]+)'?");
            if (sort.Success)
                SortSpec.Parse(sort.Groups[1].Value);
            var columns = System.Text.RegularExpressions.Regex.Match(line, "--columns '?([^' ]+)'?");
            if (columns.Success)
                ColumnList.Parse(columns.Groups[1].Value);
        }
        Assert.True(filters >= 10, $"parsed {filters} filters");
    }
}
