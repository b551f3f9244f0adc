using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>ls --filter/--sort/--columns/--limit/--flat</c>, <c>best</c> and <c>compare</c> over runs on the runs branch,
/// through the real process, ending with the question answered in two commands.
/// </summary>
public sealed class FindingRunsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private RunRecord Add(string name, double lr, double accuracy, string branch = "main", double daysAgo = 1, string? parent = null,
        IReadOnlyList<MetricPoint>? history = null) =>
        RunSeeder.Add(_repo, r =>
        {
            var started = DateTimeOffset.UtcNow.AddDays(-daysAgo);
            return r with
            {
                Id = RunId.New(started).Value,
                Name = name,
                StartedAt = started,
                EndedAt = started.AddMinutes(5),
                Parent = parent,
                Source = r.Source with { Branch = branch },
                Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = lr, ["epochs"] = 10L },
                Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["val_accuracy"] = accuracy, ["loss"] = 1 - accuracy },
            };
        }, history);

    private static string[] Names(ProcessResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[1].Trim()).ToArray();

    [Fact]
    public void Ls_filters_sorts_limits_and_shows_the_columns_asked_for()
    {
        Add("a", 0.1, 0.70);
        Add("b", 0.001, 0.80);
        Add("c", 0.005, 0.90, branch: "other");
        Add("d", 0.003, 0.85);

        var filtered = GitTrackProcess.Run(_repo, "ls", "--filter", "params.lr < 0.01 and source.branch = main", "--sort", "-metrics.val_accuracy");
        Assert.Equal(0, filtered.ExitCode);
        Assert.Equal(["d", "b"], Names(filtered));

        var limited = GitTrackProcess.Run(_repo, "ls", "--sort", "params.lr", "--limit", "2", "--columns", "name,params.lr,metrics.*");
        Assert.Equal(0, limited.ExitCode);
        var lines = limited.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["name", "params.lr", "metrics.loss", "metrics.val_accuracy"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["b", "0.001", "0.2", "0.8"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, lines.Length);

        using var json = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--filter", "source.branch = other", "--json").Stdout);
        var only = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("other", only.GetProperty("source").GetProperty("branch").GetString());

        var none = GitTrackProcess.Run(_repo, "ls", "--filter", "params.lr > 5");
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.Stdout);
        Assert.Contains("no runs match", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_filter_exits_2_with_a_caret_under_the_problem()
    {
        Add("a", 0.1, 0.7);
        foreach (var verb in new[] { "ls", "export", "best", "compare" })
        {
            string[] args = verb switch
            {
                "export" => ["export", "--format", "csv", "--filter", "params.lr <"],
                "best" => ["best", "--metric", "val_accuracy", "--filter", "params.lr <"],
                _ => [verb, "--filter", "params.lr <"],
            };
            var result = GitTrackProcess.Run(_repo, args);
            Assert.Equal(2, result.ExitCode);
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("gittrack: bad filter", lines[0], StringComparison.Ordinal);
            Assert.Equal("  params.lr <", lines[1]);
            Assert.Equal("             ^", lines[2]);
        }
        var badSort = GitTrackProcess.Run(_repo, "ls", "--sort", "params.");
        Assert.Equal(2, badSort.ExitCode);
        Assert.DoesNotContain("   at ", badSort.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Ls_indents_children_under_their_parent_and_flat_lists_them_plainly()
    {
        var pipeline = Add("pipeline", 0.1, 0.5, daysAgo: 3);
        Add("other", 0.1, 0.6, daysAgo: 2);
        Add("store_1", 0.01, 0.7, daysAgo: 2.9, parent: pipeline.Id);
        Add("store_2", 0.02, 0.8, daysAgo: 2.8, parent: pipeline.Id);

        var nested = Names(GitTrackProcess.Run(_repo, "ls"));
        Assert.Equal(["other", "pipeline", "└ store_2", "└ store_1"], nested);

        var flat = Names(GitTrackProcess.Run(_repo, "ls", "--flat"));
        Assert.Equal(["other", "store_2", "store_1", "pipeline"], flat);

        var show = GitTrackProcess.Run(_repo, "show", "pipeline");
        Assert.Equal(0, show.ExitCode);
        var children = show.Stdout[show.Stdout.IndexOf("\nchildren\n", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "NAME", "STATUS", "DURATION", "loss", "val_accuracy"], children[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["store_1", "completed", "5m00s", "0.3", "0.7"], children[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.Equal(["store_2", "completed", "5m00s", "0.2", "0.8"], children[3].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
    }

    [Fact]
    public void Best_ranks_by_the_metric_in_the_direction_its_name_implies()
    {
        Add("a", 0.1, 0.70);
        Add("b", 0.001, 0.80);
        Add("c", 0.005, 0.90);

        var best = GitTrackProcess.Run(_repo, "best", "--metric", "val_accuracy", "--top", "2");
        Assert.Equal(0, best.ExitCode);
        Assert.Equal(["c", "b"], Names(best));

        var lowestLoss = GitTrackProcess.Run(_repo, "best", "--metric", "loss", "--json");
        using (var json = JsonDocument.Parse(lowestLoss.Stdout))
            Assert.Equal("c", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("name").GetString());

        var forced = GitTrackProcess.Run(_repo, "best", "--metric", "val_accuracy", "--min");
        Assert.Equal(["a"], Names(forced));

        // A name no run has is said as such before any question of direction (NewcomerMistakesTests has the rest).
        var unknown = GitTrackProcess.Run(_repo, "best", "--metric", "epochs_seen");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("gittrack: no run has metric 'epochs_seen' (", unknown.Stderr, StringComparison.Ordinal);

        var missing = GitTrackProcess.Run(_repo, "best", "--metric", "f1", "--filter", "params.lr > 0");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none of the 3 runs matching the filter has metric 'f1'", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_puts_differing_rows_first_and_marks_them()
    {
        var a = Add("a", 0.1, 0.70);
        var b = Add("b", 0.001, 0.70);

        var result = GitTrackProcess.Run(_repo, "compare", "a", b.Id[..8]);
        Assert.Equal(0, result.ExitCode);
        var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["FIELD", "a", "b"], rows[0]);
        var keyed = rows.Where(r => r.Any(c => c.StartsWith("params.", StringComparison.Ordinal) || c.StartsWith("metrics.", StringComparison.Ordinal))).ToList();
        Assert.Equal(["*", "params.lr", "0.1", "0.001"], keyed[0]);
        Assert.Equal(["params.epochs", "10", "10"], keyed[1]);
        Assert.Equal(["metrics.loss", "0.3", "0.3"], keyed[2]);
        Assert.Equal(["metrics.val_accuracy", "0.7", "0.7"], keyed[3]);
        Assert.Equal(["*", "id", a.Id[..8], b.Id[..8]], rows[1]);

        using var json = JsonDocument.Parse(GitTrackProcess.Run(_repo, "compare", "--filter", "params.epochs = 10", "--sort", "name", "--json").Stdout);
        Assert.Equal(["a", "b"], json.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
        var lr = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("field").GetString() == "params.lr");
        Assert.True(lr.GetProperty("differs").GetBoolean());
        Assert.Equal([0.1, 0.001], lr.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray());

        var csv = GitTrackProcess.Run(_repo, "compare", "a", "b", "--csv").Stdout.Split("\r\n");
        Assert.Equal("field,differs,a,b", csv[0]);
        Assert.Contains("params.lr,true,0.1,0.001", csv);

        var neither = GitTrackProcess.Run(_repo, "compare");
        Assert.Equal(2, neither.ExitCode);
        var unknown = GitTrackProcess.Run(_repo, "compare", "a", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("gittrack: no run matches 'nope' (see 'gittrack ls' for runs)", unknown.Stderr.Trim());
    }

    [Fact]
    public void Compare_on_a_terminal_draws_each_metric_history_as_a_sparkline()
    {
        Add("rising", 0.1, 0.9, history: [new MetricPoint("val_accuracy", 0.1, 0, null), new MetricPoint("val_accuracy", 0.5, 1, null), new MetricPoint("val_accuracy", 0.9, 2, null)]);
        Add("flat", 0.2, 0.9);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CommandContext { Out = stdout, Error = stderr, WorkingDirectory = _repo.Root, OutIsTerminal = true };

        var code = CliApp.Run(["compare", "rising", "flat"], context);

        Assert.Equal(0, code);
        var row = stdout.ToString().Split('\n').Single(l => l.Contains("metrics.val_accuracy", StringComparison.Ordinal));
        Assert.Contains("▁▅█ 0.9", row, StringComparison.Ordinal);
        Assert.EndsWith("  0.9", row.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Best_and_compare_answer_which_run_was_best_on_main_last_week_and_how_it_compares_to_the_baseline()
    {
        var baseline = Add("baseline", 0.1, 0.80, daysAgo: 20);
        Add("small_lr_old", 0.001, 0.99, daysAgo: 10);      // best accuracy, but not last week
        Add("small_lr_other", 0.005, 0.97, branch: "other"); // on another branch
        Add("big_lr", 0.05, 0.95);                           // lr too large
        var winner = Add("small_lr", 0.005, 0.91, daysAgo: 2);
        Add("smaller_lr", 0.001, 0.88, daysAgo: 3);
        for (var i = 0; i < 6; i++)
            Add($"sweep_{i}", 0.002 + i * 0.001, 0.5 + i * 0.01, daysAgo: 4 + i * 0.1);

        var best = GitTrackProcess.Run(_repo, "best", "--metric", "val_accuracy",
            "--filter", "params.lr < 0.01 and source.branch = main and started > -7d", "--json");
        Assert.Equal(0, best.ExitCode);
        using var bestJson = JsonDocument.Parse(best.Stdout);
        var id = Assert.Single(bestJson.RootElement.EnumerateArray()).GetProperty("id").GetString()!;
        Assert.Equal(winner.Id, id);

        var compare = GitTrackProcess.Run(_repo, "compare", id, "baseline", "--json");
        Assert.Equal(0, compare.ExitCode);
        using var compareJson = JsonDocument.Parse(compare.Stdout);
        var rows = compareJson.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("field").GetString()!, r => r.GetProperty("values").EnumerateArray().Select(v => v.ToString()).ToArray());
        Assert.Equal(["0.91", "0.8"], rows["metrics.val_accuracy"]);
        Assert.Equal(["0.005", "0.1"], rows["params.lr"]);
        Assert.Equal([winner.Id, baseline.Id], rows["id"]);
    }
}
