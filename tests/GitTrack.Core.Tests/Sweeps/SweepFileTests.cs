using GitTrack.Core.Errors;
using GitTrack.Core.Sweeps;

namespace GitTrack.Core.Tests.Sweeps;

public sealed class SweepFileTests
{
    [Fact]
    public void Toml_arrays_are_lists_strings_are_spaces_and_tables_nest()
    {
        var spaces = SweepFile.ParseToml("""
            lr = [0.1, 1.0]
            depth = "2..8:2"
            opt = ["adam", "1"]
            epochs = 10
            [model]
            dropout = "uniform(0,0.5)"
            """);

        Assert.Equal(["lr=0.1,1.0", "depth=2..8:2", "opt=adam,\"1\"", "epochs=10", "model.dropout=uniform(0.0,0.5)"], spaces.Select(s => s.ToString()));
        Assert.IsType<double>(((ValueListSpace)spaces[0]).Values[1]);
        Assert.IsType<string>(((ValueListSpace)spaces[2]).Values[1]);
    }

    [Fact]
    public void Yaml_plain_values_read_as_on_the_command_line_and_quoted_strings_in_lists_stay_strings()
    {
        var spaces = SweepFile.ParseYaml("""
            lr: loguniform(1e-4,1e-1)
            depth: 2..8
            batch: [32, 64]
            tags: ["1", 2]
            act: relu,tanh
            model:
              width: 1.0
            """);

        Assert.Equal(["lr=loguniform(0.0001,0.1)", "depth=2..8", "batch=32,64", "tags=\"1\",2", "act=relu,tanh", "model.width=1.0"],
            spaces.Select(s => s.ToString()));
    }

    [Fact]
    public void A_bad_space_in_a_file_is_an_input_error()
    {
        Assert.Contains("unknown distribution 'normal'",
            Assert.Throws<InvalidInputException>(() => SweepFile.ParseYaml("lr: normal(0,1)\n")).Message, StringComparison.Ordinal);
        Assert.Contains("the list of values is empty",
            Assert.Throws<InvalidInputException>(() => SweepFile.ParseToml("lr = []\n")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidInputException>(() => SweepFile.ParseJson("[1, 2]"));
    }
}
