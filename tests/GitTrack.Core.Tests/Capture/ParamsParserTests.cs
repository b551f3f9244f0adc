using System.Text.Json;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Capture;

public sealed class ParamsParserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gittrack-params-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("lr=3", 3L)]
    [InlineData("lr=-12", -12L)]
    [InlineData("lr=+7", 7L)]
    [InlineData("lr=0", 0L)]
    [InlineData("lr=0.01", 0.01)]
    [InlineData("lr=1e-3", 1e-3)]
    [InlineData("lr=.5", 0.5)]
    [InlineData("lr=5.", 5.0)]
    [InlineData("lr=-2.5E+2", -250.0)]
    [InlineData("flag=true", true)]
    [InlineData("flag=False", false)]
    [InlineData("opt=adam", "adam")]
    [InlineData("opt=", "")]
    [InlineData("id=007", "007")]
    [InlineData("big=123456789012345678901234", "123456789012345678901234")]
    [InlineData("hex=0x10", "0x10")]
    [InlineData("n=1_000", "1_000")]
    [InlineData("v=yes", "yes")]
    [InlineData("v=1e", "1e")]
    [InlineData("v=-", "-")]
    [InlineData("v=.", ".")]
    [InlineData("url=a=b", "a=b")]
    [InlineData("s=\"1\"", "1")]
    [InlineData("s='true'", "true")]
    [InlineData("s=\"\"", "")]
    [InlineData("s=\"half", "\"half")]
    public void Param_values_are_typed(string argument, object expected)
    {
        var (_, value) = ParamsParser.ParseArgument(argument);
        Assert.Equal(expected.GetType(), value.GetType());
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("x=nan", double.NaN)]
    [InlineData("x=inf", double.PositiveInfinity)]
    [InlineData("x=-inf", double.NegativeInfinity)]
    [InlineData("x=+Infinity", double.PositiveInfinity)]
    public void Param_values_accept_nan_and_infinities(string argument, double expected)
    {
        Assert.Equal(expected, (double)ParamsParser.ParseArgument(argument).Value);
    }

    [Theory]
    [InlineData("lr")]
    [InlineData("=3")]
    [InlineData(" lr=3")]
    [InlineData("model..depth=3")]
    [InlineData(".lr=3")]
    [InlineData("lr.=3")]
    public void Bad_param_arguments_are_invalid_input_naming_the_argument(string argument)
    {
        var error = Assert.Throws<InvalidInputException>(() => ParamsParser.ParseArgument(argument));
        Assert.Contains(argument, error.Message);
        Assert.Contains("--param", error.Message);
    }

    [Fact]
    public void A_param_given_twice_keeps_the_last_value()
    {
        var parameters = ParamsParser.ParseArguments(["lr=1", "lr=2"]);
        Assert.Equal(2L, parameters["lr"]);
    }

    [Fact]
    public void Toml_file_flattens_nested_tables_to_dotted_keys()
    {
        var path = WriteFile("p.toml", """
            lr = 0.001
            epochs = 10
            name = "baseline"
            [model]
            max_depth = 6
            dropout = 0.1
            use_bias = true
            layers = [64, 32]
            [model.optimizer]
            kind = "adam"
            """);
        var parameters = ParamsParser.ReadFile(path);
        Assert.Equal(0.001, parameters["lr"]);
        Assert.Equal(10L, parameters["epochs"]);
        Assert.Equal("baseline", parameters["name"]);
        Assert.Equal(6L, parameters["model.max_depth"]);
        Assert.Equal(0.1, parameters["model.dropout"]);
        Assert.Equal(true, parameters["model.use_bias"]);
        Assert.Equal("[64,32]", parameters["model.layers"]);
        Assert.Equal("adam", parameters["model.optimizer.kind"]);
        Assert.Equal(8, parameters.Count);
    }

    [Fact]
    public void Yaml_file_types_plain_scalars_and_keeps_quoted_ones_as_strings()
    {
        var path = WriteFile("config.yaml", """
            # Hydra-style config
            lr: 1e-3
            epochs: 20
            seed: "42"
            debug: false
            scheduler: null
            tags: [a, b]
            data:
              path: /data/train
              batch_size: 32
              mean: .inf
            model:
              name: resnet
              depth: 0x10
            """);
        var parameters = ParamsParser.ReadFile(path);
        Assert.Equal(1e-3, parameters["lr"]);
        Assert.Equal(20L, parameters["epochs"]);
        Assert.Equal("42", parameters["seed"]);
        Assert.Equal(false, parameters["debug"]);
        Assert.False(parameters.ContainsKey("scheduler"));
        Assert.Equal("[\"a\",\"b\"]", parameters["tags"]);
        Assert.Equal("/data/train", parameters["data.path"]);
        Assert.Equal(32L, parameters["data.batch_size"]);
        Assert.Equal(double.PositiveInfinity, parameters["data.mean"]);
        Assert.Equal("resnet", parameters["model.name"]);
        Assert.Equal(16L, parameters["model.depth"]);
    }

    [Fact]
    public void Json_file_keeps_json_types_and_flattens_objects()
    {
        var path = WriteFile("p.json", """{"lr": 0.5, "epochs": 3, "big": 1e300, "opt": {"name": "sgd", "momentum": 0.9, "nesterov": true}, "sizes": [1, {"a": null}], "none": null,}""");
        var parameters = ParamsParser.ReadFile(path);
        Assert.Equal(0.5, parameters["lr"]);
        Assert.Equal(3L, parameters["epochs"]);
        Assert.Equal(1e300, parameters["big"]);
        Assert.Equal("sgd", parameters["opt.name"]);
        Assert.Equal(0.9, parameters["opt.momentum"]);
        Assert.Equal(true, parameters["opt.nesterov"]);
        Assert.Equal("[1,{\"a\":null}]", parameters["sizes"]);
        Assert.False(parameters.ContainsKey("none"));
    }

    [Fact]
    public void Yaml_anchors_aliases_and_merge_keys_are_resolved()
    {
        var path = WriteFile("anchors.yaml", """
            base: &base
              lr: 0.1
              epochs: 5
            fast:
              <<: *base
              epochs: 1
            copy: *base
            """);
        var parameters = ParamsParser.ReadFile(path);
        Assert.Equal(0.1, parameters["fast.lr"]);
        Assert.Equal(1L, parameters["fast.epochs"]);
        Assert.Equal(5L, parameters["copy.epochs"]);
        Assert.DoesNotContain(parameters.Keys, k => k.Contains("<<"));
    }

    [Fact]
    public void Command_line_params_override_file_params()
    {
        var file = ParamsParser.ReadFile(WriteFile("p.yml", "lr: 0.1\nepochs: 5\n"));
        var combined = ParamsParser.Combine(file, ParamsParser.ParseArguments(["lr=0.2", "seed=1"]));
        Assert.Equal(0.2, combined["lr"]);
        Assert.Equal(5L, combined["epochs"]);
        Assert.Equal(1L, combined["seed"]);
    }

    [Theory]
    [InlineData("bad.toml", "lr = = 3")]
    [InlineData("bad.yaml", "lr: [1, 2")]
    [InlineData("bad.json", "{\"lr\": }")]
    [InlineData("list.json", "[1, 2]")]
    [InlineData("scalar.yaml", "just a string")]
    [InlineData("p.ini", "lr=3")]
    [InlineData("dup.toml", "\"a.b\" = 1\n[a]\nb = 2")]
    [InlineData("dup.yaml", "a: 1\na: 2\n")]
    [InlineData("dup.json", "{\"a\": 1, \"a\": 2}")]
    public void Bad_params_files_are_invalid_input(string name, string text)
    {
        var path = WriteFile(name, text);
        var error = Assert.Throws<InvalidInputException>(() => ParamsParser.ReadFile(path));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void A_missing_params_file_is_invalid_input_naming_it()
    {
        var path = Path.Combine(_dir, "nope.toml");
        var error = Assert.Throws<InvalidInputException>(() => ParamsParser.ReadFile(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void An_empty_yaml_file_has_no_params()
    {
        Assert.Empty(ParamsParser.ReadFile(WriteFile("empty.yaml", "")));
    }

    [Fact]
    public void Params_file_for_the_child_is_a_flat_json_object_python_can_read()
    {
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = 0.01, ["epochs"] = 3L, ["debug"] = true, ["name"] = "x\"y", ["model.depth"] = 6L,
            ["bad"] = double.NaN, ["up"] = double.PositiveInfinity, ["down"] = double.NegativeInfinity,
        };
        var path = Path.Combine(_dir, "params.json");
        ParamsFileWriter.Write(path, parameters);
        var text = File.ReadAllText(path);
        Assert.Contains("\"bad\": NaN", text);
        Assert.Contains("\"down\": -Infinity", text);
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.Contains(".tmp-"));

        var withoutSpecials = text.Replace("NaN", "null").Replace("-Infinity", "null").Replace("Infinity", "null");
        using var document = JsonDocument.Parse(withoutSpecials);
        Assert.Equal(0.01, document.RootElement.GetProperty("lr").GetDouble());
        Assert.Equal(3, document.RootElement.GetProperty("epochs").GetInt64());
        Assert.True(document.RootElement.GetProperty("debug").GetBoolean());
        Assert.Equal("x\"y", document.RootElement.GetProperty("name").GetString());
        Assert.Equal(6, document.RootElement.GetProperty("model.depth").GetInt64());
    }

    [SkippableFact]
    public void Params_file_for_the_child_round_trips_through_python_json()
    {
        Requirement.That(File.Exists("/usr/bin/python3"), "python3 not installed");
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = 0.01, ["epochs"] = 3L, ["debug"] = true, ["nan"] = double.NaN, ["inf"] = double.NegativeInfinity, ["s"] = "é",
        };
        var path = Path.Combine(_dir, "params.json");
        ParamsFileWriter.Write(path, parameters);
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3",
            ["-c", "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); print(repr(sorted(d.items())))", path])
        { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal("[('debug', True), ('epochs', 3), ('inf', -inf), ('lr', 0.01), ('nan', nan), ('s', 'é')]", output);
    }
}
