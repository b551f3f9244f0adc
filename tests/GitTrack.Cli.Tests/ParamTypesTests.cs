using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// A param's type survives every path through the real process: a float stays a float (<c>1.0</c>, never <c>1</c>)
/// and an integer an integer, from <c>-p</c>, params files and events, through the manifest and GITTRACK_PARAMS,
/// to rerun, show, ls, compare, diff, export and the web API.
/// </summary>
public sealed class ParamTypesTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gittrack(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)}: {result.Stderr}");
        return result;
    }

    private const string PrintParams = "cat \"$GITTRACK_PARAMS\"";

    [Fact]
    public void A_float_param_given_with_p_reaches_the_command_as_a_float()
    {
        var result = Gittrack("run", "-p", "x=1.0", "-p", "n=1", "-p", "big=1e20", "-p", "small=2.5e-7", "--", "sh", "-c", PrintParams);

        Assert.Contains("\"x\": 1.0", result.Stdout);
        Assert.Contains("\"n\": 1\n", result.Stdout.Replace(",\n", "\n", StringComparison.Ordinal));
        var python = ReadWithPython(result.Stdout);
        Assert.Equal("x=float:1.0 n=int:1 big=float:1e+20 small=float:2.5e-07", python);
    }

    [Theory]
    [InlineData("params.toml", "x = 1.0\nn = 1\nlist = [1.0, 2]\n[model]\nsubsample = 1.0\n")]
    [InlineData("params.yaml", "x: 1.0\nn: 1\nlist: [1.0, 2]\nmodel:\n  subsample: 1.0\n")]
    [InlineData("params.json", "{\"x\": 1.0, \"n\": 1, \"list\": [1.0, 2], \"model\": {\"subsample\": 1.0}}")]
    public void A_float_in_a_params_file_stays_a_float_for_the_command_and_in_the_manifest(string file, string content)
    {
        _repo.WriteFile(file, content);

        var result = Gittrack("run", "--params-file", file, "--", "sh", "-c", PrintParams);

        Assert.Contains("\"x\": 1.0", result.Stdout);
        Assert.Contains("\"model.subsample\": 1.0", result.Stdout);
        Assert.Contains("\"list\": \"[1.0,2]\"", result.Stdout);
        var types = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("param_types");
        Assert.Equal("float", types.GetProperty("x").GetString());
        Assert.Equal("float", types.GetProperty("model.subsample").GetString());
        Assert.Equal("int", types.GetProperty("n").GetString());
    }

    [Fact]
    public void A_float_param_event_is_recorded_as_a_float()
    {
        var result = Gittrack("run", "--", "sh", "-c",
            "echo '{\"type\":\"param\",\"name\":\"x\",\"value\":1.0}' >> \"$GITTRACK_EVENTS\"; "
            + "echo '{\"type\":\"param\",\"name\":\"n\",\"value\":1}' >> \"$GITTRACK_EVENTS\"");

        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("float", manifest.GetProperty("param_types").GetProperty("x").GetString());
        Assert.Equal("int", manifest.GetProperty("param_types").GetProperty("n").GetString());
        Assert.Contains("x = 1.0\n", RunsOnBranch.ManifestText(_repo, RunsOnBranch.SingleId(_repo)));
    }

    [Fact]
    public void Show_and_ls_print_a_float_as_a_float_in_tables_and_json()
    {
        Gittrack("run", "-n", "a", "-p", "x=1.0", "-p", "n=1", "--", "true");
        Gittrack("run", "-n", "b", "-p", "x=2.0", "-p", "n=2", "--", "true");

        var show = Gittrack("show", "a").Stdout;
        Assert.Contains("x = 1.0\n", show);
        Assert.Contains("n = 1\n", show);

        var showJson = Gittrack("show", "a", "--json").Stdout;
        Assert.Contains("\"x\": 1.0", showJson);
        using (var doc = JsonDocument.Parse(showJson))
        {
            Assert.Equal("float", doc.RootElement.GetProperty("param_types").GetProperty("x").GetString());
            Assert.Equal("integer", doc.RootElement.GetProperty("param_types").GetProperty("n").GetString());
        }

        var ls = Gittrack("ls").Stdout;
        var rowA = ls.Split('\n').Single(l => l.Contains(" a ", StringComparison.Ordinal));
        Assert.Matches(@"\s1\.0(\s|$)", rowA);
        var columns = Gittrack("ls", "--columns", "name,params.x,params.n").Stdout;
        Assert.Matches(@"a\s+1\.0\s+1\s*\n", columns.Replace("\r", "", StringComparison.Ordinal));

        var lsJson = Gittrack("ls", "--json").Stdout;
        Assert.Contains("\"x\": 1.0", lsJson);
        Assert.Contains("\"x\": 2.0", lsJson);
        Assert.Equal("a: x=float:1.0 n=int:1 types={'n': 'integer', 'x': 'float'}|b: x=float:2.0 n=int:2 types={'n': 'integer', 'x': 'float'}",
            Python("""
                import json, sys
                runs = sorted(json.load(sys.stdin), key=lambda r: r["name"])
                print("|".join(f"{r['name']}: x={type(r['params']['x']).__name__}:{r['params']['x']!r} n={type(r['params']['n']).__name__}:{r['params']['n']!r} types={dict(sorted(r['param_types'].items()))}" for r in runs))
                """, lsJson));
    }

    [Fact]
    public void Compare_shows_a_float_as_a_float()
    {
        Gittrack("run", "-n", "a", "-p", "x=1.0", "--", "true");
        Gittrack("run", "-n", "b", "-p", "x=1", "--", "true");

        var table = Gittrack("compare", "a", "b").Stdout;
        Assert.Matches(@"\*\s+params\.x\s+1\.0\s+1\s*\n", table.Replace("\r", "", StringComparison.Ordinal));
        var json = Gittrack("compare", "a", "b", "--json").Stdout;
        Assert.Contains("\"values\":[1.0,1]", json.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        var csv = Gittrack("compare", "a", "b", "--csv").Stdout;
        Assert.Contains("params.x,true,1.0,1\r\n", csv);
    }

    [Fact]
    public void Diff_tells_a_float_from_an_integer_and_finds_equal_floats_the_same()
    {
        Gittrack("run", "-n", "int", "-p", "subsample=1", "--", "true");
        Gittrack("run", "-n", "float", "-p", "subsample=1.0", "--", "true");
        Gittrack("run", "-n", "float2", "-p", "subsample=1.0", "--", "true");

        var changed = Gittrack("diff", "int", "float").Stdout;
        Assert.Contains("~ subsample  1 -> 1.0", changed);
        var same = Gittrack("diff", "float", "float2", "--all").Stdout;
        Assert.Contains("= subsample  1.0", same);
        var json = Gittrack("diff", "int", "float", "--json").Stdout;
        Assert.Equal("int:1 float:1.0", Python("""
            import json, sys
            d = json.load(sys.stdin)
            p = next(p for p in d["params"] if p["name"] == "subsample")
            print(f"{type(p['a']).__name__}:{p['a']!r} {type(p['b']).__name__}:{p['b']!r}")
            """, json));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("jsonl")]
    public void Export_writes_a_float_as_a_float(string format)
    {
        Gittrack("run", "-n", "a", "-p", "x=1.0", "-p", "n=1", "--", "true");

        var output = Gittrack("export", "--format", format).Stdout;

        var read = format switch
        {
            "csv" => """
                import csv, sys
                row = next(csv.DictReader(sys.stdin))
                print(row["params.x"], row["params.n"])
                """,
            "json" => """
                import json, sys
                p = json.load(sys.stdin)[0]["params"]
                print(repr(p["x"]), repr(p["n"]))
                """,
            _ => """
                import json, sys
                p = json.loads(sys.stdin.readline())["params"]
                print(repr(p["x"]), repr(p["n"]))
                """,
        };
        Assert.Equal("1.0 1", Python(read, output));
    }

    [Fact]
    public void Rerun_gives_the_command_the_same_float_and_finds_no_param_change()
    {
        _repo.WriteFile("print.sh", "cat \"$GITTRACK_PARAMS\"\n");
        _repo.Commit("add print.sh");
        Gittrack("run", "-n", "first", "-p", "subsample=1.0", "--", "sh", "print.sh");

        var rerun = Gittrack("rerun", "first");

        Assert.Contains("\"subsample\": 1.0", rerun.Stdout);
        Assert.DoesNotContain("subsample", rerun.Stdout.Split("\nparams\n").ElementAtOrDefault(1) ?? "");
        using var doc = JsonDocument.Parse(Gittrack("show", "run_001", "--json").Stdout);
        Assert.Equal("float", doc.RootElement.GetProperty("param_types").GetProperty("subsample").GetString());
    }

    [Fact]
    public async Task The_web_api_writes_a_float_as_a_float_and_names_each_params_type()
    {
        Gittrack("run", "-n", "a", "-p", "x=1.0", "-p", "n=1", "-p", "flag=true", "-p", "opt=adam", "-p", "bad=nan", "--", "true");
        using var ui = new UiProcess(_repo);

        var list = await ui.Client.GetStringAsync("/api/runs");
        Assert.Contains("\"x\":1.0", list.Replace(" ", "", StringComparison.Ordinal));
        var id = JsonDocument.Parse(list).RootElement.GetProperty("runs")[0].GetProperty("id").GetString();
        var record = await ui.Client.GetStringAsync($"/api/runs/{id}");
        Assert.Contains("\"x\":1.0", record.Replace(" ", "", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(record);
        var types = doc.RootElement.GetProperty("param_types");
        Assert.Equal("float", types.GetProperty("x").GetString());
        Assert.Equal("integer", types.GetProperty("n").GetString());
        Assert.Equal("boolean", types.GetProperty("flag").GetString());
        Assert.Equal("string", types.GetProperty("opt").GetString());
        Assert.Equal("float", types.GetProperty("bad").GetString());
        Assert.Equal("nan", doc.RootElement.GetProperty("params").GetProperty("bad").GetString());
    }

    private string ReadWithPython(string paramsJson) => Python("""
        import json, sys
        p = json.load(sys.stdin)
        print(" ".join(f"{k}={type(p[k]).__name__}:{p[k]!r}" for k in ("x", "n", "big", "small")))
        """, paramsJson);

    private string Python(string script, string input)
    {
        var result = ProcessRunner.Run("python3", ["-c", script], _repo.Root, _repo.Environment, stdin: input);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }
}
