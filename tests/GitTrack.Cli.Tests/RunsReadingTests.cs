using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack ls</c> and <c>gittrack show</c> over runs recorded on the runs branch, through the real process.</summary>
public sealed class RunsReadingTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private RunRecord Add(int minutes, double lr, double loss, string name = "") =>
        RunSeeder.Add(_repo, r => r with
        {
            Name = name,
            StartedAt = RunSeeder.T0.AddMinutes(minutes),
            EndedAt = RunSeeder.T0.AddMinutes(minutes).AddSeconds(90),
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = lr, ["epochs"] = 10L },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = loss, ["const"] = 1 },
        });

    [Fact]
    public void A_run_whose_manifest_was_damaged_on_the_branch_is_skipped_with_a_warning_and_the_others_listed()
    {
        var good = Add(0, 0.1, 0.5, "good");
        var damaged = Add(5, 0.01, 0.4, "damaged");
        // Another tool (or a bad merge) replaces the manifest on the branch with text that is not TOML.
        var folder = $"runs/{damaged.Id[..2]}/{damaged.Id}";
        var blob = ProcessRunner.Run("git", ["hash-object", "-w", "--stdin"], _repo.Root, _repo.Environment, stdin: "id = [unclosed\n").Stdout.Trim();
        var index = Path.Combine(_repo.Root, ".git", "tamper-index");
        var environment = new Dictionary<string, string>(_repo.Environment) { ["GIT_INDEX_FILE"] = index };
        Assert.Equal(0, ProcessRunner.Run("git", ["read-tree", "gittrack/runs"], _repo.Root, environment).ExitCode);
        Assert.Equal(0, ProcessRunner.Run("git", ["update-index", "--cacheinfo", $"100644,{blob},{folder}/manifest.toml"], _repo.Root, environment).ExitCode);
        var tree = ProcessRunner.Run("git", ["write-tree"], _repo.Root, environment).Stdout.Trim();
        File.Delete(index);
        _repo.Git("update-ref", "refs/heads/gittrack/runs", _repo.Git("commit-tree", tree, "-p", "gittrack/runs", "-m", "damage").Trim());

        foreach (var args in new[] { new[] { "ls" }, ["ls", "--json"], ["best", "--metric", "loss"], ["export", "--format", "csv"] })
        {
            var result = GitTrackProcess.Run(_repo, args);

            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Stderr}");
            Assert.Contains(good.Id[..8], result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(damaged.Id[..8], result.Stdout, StringComparison.Ordinal);
            var warning = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("warning", StringComparison.Ordinal));
            Assert.StartsWith($"gittrack: warning: skipped gittrack/runs:{folder}: ", warning, StringComparison.Ordinal);
            Assert.Contains("not valid TOML", warning, StringComparison.Ordinal);
        }
        // Named directly, the damaged run is an error (exit 2 or 1), one line, not a stack trace.
        var show = GitTrackProcess.Run(_repo, "show", damaged.Id);
        Assert.NotEqual(0, show.ExitCode);
        Assert.StartsWith("gittrack: ", Assert.Single(show.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void Ls_lists_runs_newest_first_with_only_the_varying_params_and_metrics()
    {
        var first = Add(0, 0.1, 0.5);
        var second = Add(5, 0.01, double.NaN);

        var result = GitTrackProcess.Run(_repo, "ls");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["ID", "NAME", "STATUS", "STARTED", "DURATION", "lr", "loss"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(second.Id[..8], lines[1], StringComparison.Ordinal);
        Assert.Contains("run_002", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("0.01   nan", lines[1], StringComparison.Ordinal);
        Assert.StartsWith(first.Id[..8], lines[2], StringComparison.Ordinal);
        Assert.Contains("completed", lines[2], StringComparison.Ordinal);
        Assert.Contains("1m30s", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Ls_json_is_an_array_scripts_can_read()
    {
        var run = Add(0, 0.1, double.PositiveInfinity);
        var result = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        var item = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(run.Id, item.GetProperty("id").GetString());
        Assert.Equal("completed", item.GetProperty("status").GetString());
        Assert.Equal(90, item.GetProperty("duration_s").GetDouble());
        Assert.Equal(0.1, item.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(10, item.GetProperty("params").GetProperty("epochs").GetInt64());
        Assert.Equal("inf", item.GetProperty("metrics").GetProperty("loss").GetString());
    }

    [Fact]
    public void Ls_with_no_runs_says_so_and_succeeds()
    {
        var result = GitTrackProcess.Run(_repo, "ls");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("no runs yet", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", GitTrackProcess.Run(_repo, "ls", "--json").Stdout.Trim());
    }

    [Fact]
    public void Show_prints_everything_with_history_summarised()
    {
        var run = RunSeeder.Add(_repo, r => r with
        {
            Name = "baseline",
            Note = "first try",
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["model.max_depth"] = 6L },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["val/loss"] = 0.2 },
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "vision" },
        }, [new MetricPoint("val/loss", 0.9, 0, null), new MetricPoint("val/loss", double.NaN, 1, null), new MetricPoint("val/loss", 0.2, 2, null)]);

        var result = GitTrackProcess.Run(_repo, "show", run.Id[..6]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"baseline ({run.Id})", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("model.max_depth = 6", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("team = vision", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("first try", result.Stdout, StringComparison.Ordinal);
        var metricLine = result.Stdout.Split('\n').Single(l => l.Contains("val/loss", StringComparison.Ordinal));
        Assert.Equal(["val/loss", "0.2", "0.2", "0.9", "3"], metricLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var json = GitTrackProcess.Run(_repo, "show", "baseline", "--json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        var history = doc.RootElement.GetProperty("history").GetProperty("val/loss");
        Assert.Equal(3, history.GetProperty("count").GetInt32());
        Assert.Equal(0.9, history.GetProperty("max").GetDouble());
        Assert.Equal(run.Source.Tree, doc.RootElement.GetProperty("source").GetProperty("tree").GetString());
    }

    [Fact]
    public void Show_an_unknown_run_exits_2_with_a_hint_and_an_ambiguous_one_lists_candidates()
    {
        Add(0, 0.1, 0.5, name: "twin");
        Add(1, 0.2, 0.4, name: "twin");

        var unknown = GitTrackProcess.Run(_repo, "show", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("gittrack: no run matches 'nope' (see 'gittrack ls' for runs)", unknown.Stderr.Trim());

        var ambiguous = GitTrackProcess.Run(_repo, "show", "twin");
        Assert.Equal(2, ambiguous.ExitCode);
        var lines = ambiguous.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("gittrack: 'twin' matches 2 runs", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ambiguous.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_left_running_by_a_dead_recorder_shows_as_crashed()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        var run = RunSeeder.Add(_repo, r => r with
        {
            Status = RunStatus.Running,
            ExitCode = null,
            EndedAt = null,
            Process = new ProcessInfo(gone.Id, Environment.MachineName, CrashDetector.CurrentBootId()),
        });

        var ls = GitTrackProcess.Run(_repo, "ls");
        Assert.Contains("crashed", ls.Stdout.Split('\n')[1], StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", run.Name, "--json").Stdout);
        Assert.Equal("crashed", doc.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Ls_outside_a_repository_is_one_line_with_exit_2()
    {
        var outside = Path.Combine(Path.GetTempPath(), $"gittrack-norepo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(outside);
        try
        {
            var result = GitTrackProcess.RunIn(outside, _repo.Environment, "ls");
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("gittrack: not a git repository", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outside);
        }
    }
}
