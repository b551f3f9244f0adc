using GitTrack.Cli.Rendering;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack export</c> through the real process, read back by Python's csv and json modules.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private void Seed()
    {
        RunSeeder.Add(_repo, r => r with
        {
            Name = "a, \"quoted\"",
            Note = "line one\nline two",
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = 0.1, ["epochs"] = 10L, ["opt"] = "adam", ["gpu"] = true },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["val/loss"] = double.NaN, ["acc"] = 0.5 },
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "vision" },
        }, [new MetricPoint("acc", 0.25, 0, RunSeeder.T0), new MetricPoint("acc", 0.5, 1, RunSeeder.T0.AddSeconds(1))]);
        RunSeeder.Add(_repo, r => r with
        {
            Id = RunId.New(RunSeeder.T0.AddMinutes(1)).Value,
            Name = "b",
            StartedAt = RunSeeder.T0.AddMinutes(1),
            EndedAt = RunSeeder.T0.AddMinutes(2),
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = 0.001 },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["acc"] = double.PositiveInfinity },
        });
    }

    private static string Python(string script, string input)
    {
        var file = Path.Combine(Path.GetTempPath(), $"gittrack-export-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, script);
        try
        {
            var result = ProcessRunner.Run("python3", [file, input], Path.GetTempPath(), new Dictionary<string, string>());
            Assert.True(result.ExitCode == 0, result.Stderr);
            return result.Stdout.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public void Csv_reads_back_in_python_with_flattened_columns_and_quoting()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        Seed();
        var path = Path.Combine(_repo.Root, "runs.csv");
        var result = GitTrackProcess.Run(_repo, "export", "--format", "csv", "-o", "runs.csv", "--sort", "name");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("exported 2 runs", result.Stderr, StringComparison.Ordinal);

        var read = Python("""
            import csv, sys, math
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = list(csv.DictReader(f))
            a, b = rows
            print(list(rows[0].keys()))
            print(a['name'], '|', a['note'].replace('\n', '/'), '|', a['params.lr'], a['params.epochs'], a['params.opt'], a['params.gpu'])
            print(math.isnan(float(a['metrics.val/loss'])), float(b['metrics.acc']), repr(b['metrics.val/loss']), a['tags.team'], repr(b['tags.team']))
            print(a['source.branch'], a['duration_s'], a['started_at'])
            """, path);
        var lines = read.Split('\n');
        Assert.Equal("['id', 'name', 'status', 'exit_code', 'started_at', 'ended_at', 'duration_s', 'source.commit', 'source.branch', 'parent', 'note', "
            + "'params.epochs', 'params.gpu', 'params.lr', 'params.opt', 'metrics.acc', 'metrics.val/loss', 'tags.team']", lines[0]);
        Assert.Equal("a, \"quoted\" | line one/line two | 0.1 10 adam true", lines[1]);
        Assert.Equal("True inf '' vision ''", lines[2]);
        Assert.Equal("main 90 2026-03-01T12:00:00Z", lines[3]);
    }

    [SkippableFact]
    public void Json_jsonl_and_history_read_back_in_python()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        Seed();
        var json = GitTrackProcess.Run(_repo, "export", "--format", "json", "--filter", "params.lr >= 0.01");
        Assert.Equal(0, json.ExitCode);
        var file = Path.Combine(_repo.Root, "out.json");
        File.WriteAllText(file, json.Stdout);
        Assert.Equal("1 a, \"quoted\" 0.1 nan vision", Python("""
            import json, sys
            runs = json.load(open(sys.argv[1]))
            r = runs[0]
            print(len(runs), r['name'], r['params']['lr'], r['metrics']['val/loss'], r['tags']['team'])
            """, file));

        File.WriteAllText(file, GitTrackProcess.Run(_repo, "export", "--format", "jsonl").Stdout);
        Assert.Equal("['b', 'a, \"quoted\"'] inf", Python("""
            import json, sys
            rows = [json.loads(line) for line in open(sys.argv[1])]
            print([r['name'] for r in rows], rows[0]['metrics']['acc'])
            """, file));

        var history = GitTrackProcess.Run(_repo, "export", "--format", "csv", "--history", "--filter", "name = b or params.lr = 0.1");
        File.WriteAllText(file, history.Stdout);
        Assert.Equal("['run_id', 'run_name', 'metric', 'step', 'timestamp', 'value'] [('acc', '0', '2026-03-01T12:00:00Z', '0.25'), ('acc', '1', '2026-03-01T12:00:01Z', '0.5')]", Python("""
            import csv, sys
            rows = list(csv.DictReader(open(sys.argv[1], newline='')))
            print(list(rows[0].keys()), [(r['metric'], r['step'], r['timestamp'], r['value']) for r in rows])
            """, file));

        foreach (var format in new[] { "json", "jsonl" })
        {
            File.WriteAllText(file, GitTrackProcess.Run(_repo, "export", "--format", format, "--history").Stdout);
            Assert.Equal("2 0.5 1", Python($$"""
                import json, sys
                text = open(sys.argv[1]).read()
                rows = json.loads(text) if '{{format}}' == 'json' else [json.loads(l) for l in text.splitlines()]
                print(len(rows), rows[1]['value'], rows[1]['step'])
                """, file));
        }
    }

    [Fact]
    public void An_unknown_format_exits_2()
    {
        var result = GitTrackProcess.Run(_repo, "export", "--format", "xml");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("gittrack: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_quotes_fields_as_rfc_4180_says()
    {
        using var output = new StringWriter();
        Csv.WriteRow(output, ["plain", "a,b", "say \"hi\"", "two\nlines", " edge", null, "nan"]);
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" edge\",,nan\r\n", output.ToString());
    }

    [Fact]
    public void Sparkline_draws_a_history_lowest_to_highest()
    {
        Assert.Equal("▁▃▆█", Sparkline.Of([0, 1, 2, 3]));
        Assert.Equal("█▁", Sparkline.Of([5, double.NaN, 1]));
        Assert.Equal("▄▄▄", Sparkline.Of([2, 2, 2]));
        Assert.Equal("", Sparkline.Of([double.NaN]));
        Assert.Equal(12, Sparkline.Of(Enumerable.Range(0, 1000).Select(i => (double)i).ToArray()).Length);
    }
}
