using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Hostile and broken params files (YAML, TOML, JSON) through the real <c>gittrack run</c>: each is one line naming
/// the file, where and what is wrong, exit 2, nothing run or recorded, and no crash however deep or self-referencing
/// the file is. The process is given a deadline only so that a regression fails instead of hanging the suite.
/// </summary>
public sealed class ParamsFileErrorsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>gittrack run --params-file FILE -- touch ran</c> and checks the common contract of a refused file.</summary>
    private string Refused(string file)
    {
        var result = ProcessRunner.Run(GitTrackProcess.CommandLine[0], [.. GitTrackProcess.CommandLine[1..], "run", "--params-file", file, "--", "touch", "ran"],
            _repo.Root, _repo.Environment, timeout: Deadline);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: ", line);
        Assert.DoesNotContain("internal error", line);
        Assert.DoesNotContain("Exception", line);
        Assert.Contains(file, line);
        Assert.False(File.Exists(_repo.PathOf("ran")), "the command ran");
        Assert.Empty(RunsOnBranch.Ids(_repo));
        return line;
    }

    [Fact]
    public void A_yaml_alias_to_its_own_anchor_is_refused()
    {
        _repo.WriteFile("self.yaml", "a: &x [*x]\n");
        var line = Refused("self.yaml");
        Assert.Contains("line 1, column 8", line); // the *
        Assert.Contains("alias *x", line);
    }

    [Fact]
    public void A_yaml_alias_to_a_mapping_that_holds_it_is_refused()
    {
        _repo.WriteFile("loop.yaml", "a: &m\n  b: 1\n  c: *m\n");
        Assert.Contains("line 3", Refused("loop.yaml"));
    }

    [Fact]
    public void A_yaml_alias_bomb_is_refused_without_expanding_it()
    {
        // Billion laughs: nine levels of ten aliases each, 10^9 strings once expanded.
        var yaml = new System.Text.StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(",", Enumerable.Repeat("*" + previous, 10))).Append("]\n");
        }
        _repo.WriteFile("bomb.yaml", yaml.ToString());
        Assert.Contains("values", Refused("bomb.yaml"));
    }

    [Fact]
    public void A_yaml_merge_key_bomb_is_refused()
    {
        var yaml = new System.Text.StringBuilder("a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" {")
                .Append(string.Join(", ", Enumerable.Range(0, 10).Select(i => $"x{i}: *{previous}"))).Append("}\n");
        }
        _repo.WriteFile("merge.yaml", yaml.ToString());
        Assert.Contains("values", Refused("merge.yaml"));
    }

    [Theory]
    [InlineData("deep.yaml")]
    [InlineData("deep.toml")]
    [InlineData("deep.json")]
    public void Deep_nesting_is_refused_with_the_depth_it_reached(string file)
    {
        var content = Path.GetExtension(file) switch
        {
            ".yaml" => "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n",
            ".toml" => "a = " + new string('[', 100_000) + new string(']', 100_000) + "\n",
            _ => "{\"a\": " + new string('[', 100_000) + new string(']', 100_000) + "}",
        };
        _repo.WriteFile(file, content);
        var line = Refused(file);
        Assert.Contains("nested more than 64 deep", line);
        Assert.Contains("line 1, column", line);
    }

    [Fact]
    public void Deeply_nested_yaml_mappings_are_refused()
    {
        var yaml = new System.Text.StringBuilder();
        for (var i = 0; i < 1000; i++)
            yaml.Append(new string(' ', i)).Append("k:\n");
        _repo.WriteFile("mappings.yaml", yaml.ToString());
        Assert.Contains("nested more than 64 deep", Refused("mappings.yaml"));
    }

    [Theory]
    [InlineData("header")]
    [InlineData("key")]
    public void A_toml_table_header_or_key_with_thousands_of_dotted_parts_is_refused(string where)
    {
        var dotted = string.Join('.', Enumerable.Repeat("a", 20_000));
        _repo.WriteFile("dotted.toml", where == "header" ? $"[{dotted}]\nx = 1\n" : $"{dotted} = 1\n");
        Assert.Contains("nested more than 64 deep", Refused("dotted.toml"));
    }

    [Theory]
    [InlineData("bad.yaml", "a: [1\n", "line 2, column 1")]
    [InlineData("bad.yaml", "a: \"unclosed\n", "line 1, column 4")]
    [InlineData("bad.yaml", "a: b: c\n", "line 1, column 5")]
    [InlineData("bad.yaml", "a: *nope\n", "line 1, column 4")]
    [InlineData("bad.yaml", "a: 1\na: 2\n", "line 2, column 1")]
    [InlineData("bad.yaml", "[1]: 2\n", "line 1, column 1")]
    [InlineData("bad.yaml", "- 1\n- 2\n", "a table of parameters")]
    [InlineData("bad.toml", "a = [1,\n", "line 2, column 1")]
    [InlineData("bad.toml", "[x\n", "line 1, column 3")]
    [InlineData("bad.toml", "a = 1\na = 2\n", "line 2, column 1")]
    [InlineData("bad.json", "{\"a\": 1,,}", "line 1, column 9")]
    [InlineData("bad.json", "{\n  \"a\": [1, 2\n", "line 3, column 1")]
    [InlineData("bad.json", "[1, 2]", "a table of parameters")]
    public void A_syntax_error_is_one_line_with_its_place(string file, string content, string where)
    {
        _repo.WriteFile(file, content);
        Assert.Contains(where, Refused(file));
    }

    [Theory]
    [InlineData("huge.yaml")]
    [InlineData("huge.toml")]
    [InlineData("huge.json")]
    public void A_params_file_over_16_MiB_is_refused_before_it_is_parsed(string file)
    {
        var path = _repo.PathOf(file);
        using (var stream = File.Create(path))
            stream.SetLength(16L * 1024 * 1024 + 1);
        Assert.Contains("over 16 MiB", Refused(file));
    }

    [Fact]
    public void Yaml_anchors_aliases_and_merge_keys_within_the_limits_still_work()
    {
        _repo.WriteFile("ok.yaml", "base: &base {lr: 0.1, depth: 3}\nmodel:\n  <<: *base\n  depth: 5\nsame: *base\nlist: &l [1, 2]\nagain: *l\n");

        var result = GitTrackProcess.Run(_repo, "run", "--params-file", "ok.yaml", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var parameters = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("params");
        Assert.Equal(0.1, parameters.GetProperty("model.lr").GetDouble());
        Assert.Equal(5, parameters.GetProperty("model.depth").GetInt64());
        Assert.Equal(3, parameters.GetProperty("same.depth").GetInt64());
        Assert.Equal("[1,2]", parameters.GetProperty("again").GetString());
    }
}
