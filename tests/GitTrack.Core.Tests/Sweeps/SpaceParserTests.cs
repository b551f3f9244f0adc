using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Sweeps;

namespace GitTrack.Core.Tests.Sweeps;

public sealed class SpaceParserTests
{
    [Fact]
    public void A_list_types_each_value_as_gittrack_run_p_does()
    {
        var space = Assert.IsType<ValueListSpace>(SpaceParser.ParseArgument("x=0.1,1.0,3,true,007,\"1\",adam,nan"));

        Assert.Equal([0.1, 1.0, 3L, true, "007", "1", "adam", double.NaN], space.Values);
        Assert.IsType<double>(space.Values[1]);
        Assert.Equal("x", space.Name);
    }

    [Fact]
    public void Quoted_values_may_hold_commas_and_spaces_around_values_are_trimmed()
    {
        var space = Assert.IsType<ValueListSpace>(SpaceParser.Parse("opt", " adam , \"sgd, momentum\" ,'a,b' "));

        Assert.Equal(["adam", "sgd, momentum", "a,b"], space.Values);
    }

    [Fact]
    public void One_value_is_a_list_of_one()
    {
        var space = Assert.IsType<ValueListSpace>(SpaceParser.ParseArgument("epochs=10"));

        Assert.Equal([10L], space.Values);
        Assert.Equal(1, space.Count);
    }

    [Theory]
    [InlineData("2..8", 2, 8, 1, new long[] { 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData("2..8:2", 2, 8, 2, new long[] { 2, 4, 6, 8 })]
    [InlineData("2..9:3", 2, 9, 3, new long[] { 2, 5, 8 })]
    [InlineData("-2..2:2", -2, 2, 2, new long[] { -2, 0, 2 })]
    [InlineData("5..5", 5, 5, 1, new long[] { 5 })]
    public void An_integer_range_goes_from_start_to_end_by_its_step(string text, long start, long end, long step, long[] values)
    {
        var space = Assert.IsType<IntegerRangeSpace>(SpaceParser.Parse("depth", text));

        Assert.Equal((start, end, step), (space.Start, space.End, space.Step));
        Assert.Equal(values, Enumerable.Range(0, (int)space.Count).Select(i => (long)space.ValueAt(i)));
    }

    [Fact]
    public void Distributions_and_choice_are_read_with_their_bounds()
    {
        var log = Assert.IsType<UniformSpace>(SpaceParser.Parse("lr", "loguniform(1e-4, 1e-1)"));
        var flat = Assert.IsType<UniformSpace>(SpaceParser.Parse("dropout", "uniform(0,0.5)"));
        var choice = Assert.IsType<ValueListSpace>(SpaceParser.Parse("units", "choice(64,128,256)"));

        Assert.Equal((1e-4, 1e-1, true), (log.Low, log.High, log.Logarithmic));
        Assert.Equal((0.0, 0.5, false), (flat.Low, flat.High, flat.Logarithmic));
        Assert.False(log.IsFinite);
        Assert.Equal([64L, 128L, 256L], choice.Values);
        Assert.True(choice.WrittenAsChoice);
    }

    [Theory]
    [InlineData("lr=", "the list of values is empty")]
    [InlineData("lr=  ", "the list of values is empty")]
    [InlineData("lr=0.1,", "the list has an empty value")]
    [InlineData("lr=0.1,,0.2", "the list has an empty value")]
    [InlineData("depth=8..2", "the range is empty: 8 is greater than 2")]
    [InlineData("depth=2..8:0", "the range's step is not a positive integer")]
    [InlineData("depth=2..8:-1", "the range's step is not a positive integer")]
    [InlineData("lr=0.1..0.5", "a range goes over integers")]
    [InlineData("lr=normal(0,1)", "unknown distribution 'normal'")]
    [InlineData("lr=uniform(1)", "uniform takes two numbers")]
    [InlineData("lr=uniform(1,0)", "uniform needs low < high")]
    [InlineData("lr=uniform(a,1)", "'a' is not a finite number")]
    [InlineData("lr=loguniform(0,1)", "loguniform needs bounds above 0")]
    [InlineData("units=choice()", "the list of values is empty")]
    [InlineData("opt=\"adam", "a quote is not closed")]
    [InlineData("lr", "expected NAME=SPACE")]
    [InlineData("=0.1", "the key is empty")]
    public void A_bad_space_is_an_input_error_naming_the_param(string argument, string message)
    {
        var error = Assert.Throws<InvalidInputException>(() => SpaceParser.ParseArgument(argument));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Theory]
    [InlineData("0.1,0.01,0.001")]
    [InlineData("1.0,2,true,007,\"1\",adam,'x,y',\"a..b\",\"f(x)\",nan,-inf,1e-05")]
    [InlineData("2..8")]
    [InlineData("2..8:2")]
    [InlineData("loguniform(1e-4,1e-1)")]
    [InlineData("uniform(0,0.5)")]
    [InlineData("choice(64,128,\"a,b\")")]
    public void The_canonical_text_reads_back_to_the_same_space(string text)
    {
        var space = SpaceParser.Parse("p", text);
        var again = SpaceParser.Parse("p", space.Text);

        Assert.Equal(space.Text, again.Text);
        if (space.IsFinite)
            Assert.Equal(Enumerable.Range(0, (int)space.Count).Select(i => space.ValueAt(i)), Enumerable.Range(0, (int)again.Count).Select(i => again.ValueAt(i)));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(123456789012.0, "123456789012.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void A_float_is_written_so_that_run_p_reads_it_back_as_the_same_float(double value, string text)
    {
        var space = new ValueListSpace("x", [value]);

        Assert.Equal(text, space.Text);
        var typed = Assert.IsType<double>(ParamValue.Infer(space.Text));
        Assert.Equal(value, typed);
    }
}
