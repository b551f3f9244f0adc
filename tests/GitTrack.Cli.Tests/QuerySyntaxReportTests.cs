using GitTrack.Core.Errors;
using GitTrack.Core.Query;

namespace GitTrack.Cli.Tests;

/// <summary>How a bad filter is reported: the one-line error, then the expression with a caret under the problem, exit 2.</summary>
public class QuerySyntaxReportTests
{
    [Fact]
    public void A_bad_filter_prints_one_line_then_the_expression_and_a_caret_and_exits_2()
    {
        var error = Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse("params.lr < and source.branch = main"));
        using var stderr = new StringWriter();
        var code = ErrorReporter.Report(error, stderr);

        Assert.Equal(ExitCode.Usage, code);
        var lines = stderr.ToString().Split(Environment.NewLine);
        Assert.Equal("gittrack: bad filter: expected a value after '<', found 'and' at column 13 "
            + "(a value is a number, a word, a \"quoted string\", true/false, a date (2026-11-01, -7d) or a duration (90s, 5m))", lines[0]);
        Assert.Equal("  params.lr < and source.branch = main", lines[1]);
        Assert.Equal("              ^", lines[2]);
        Assert.Equal(lines[1].IndexOf("and", StringComparison.Ordinal), lines[2].IndexOf('^'));
        Assert.DoesNotContain("   at ", stderr.ToString());
    }

    [Fact]
    public void Other_invalid_input_still_prints_one_line()
    {
        using var stderr = new StringWriter();
        Assert.Equal(ExitCode.Usage, ErrorReporter.Report(new InvalidInputException("bad thing", "fix it"), stderr));
        Assert.Equal("gittrack: bad thing (fix it)" + Environment.NewLine, stderr.ToString());
    }
}
