using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Mistakes a new user makes, answered by the real <c>gittrack</c> with what was probably meant: a mistyped metric,
/// subcommand or option, and a metric compared with a word.
/// </summary>
public sealed class NewcomerMistakesTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public NewcomerMistakesTests() => TrainingScript.AddTo(_repo);

    public void Dispose() => _repo.Dispose();

    private void RunWithMetrics(string name, params string[] metrics)
    {
        var lines = string.Join("\n", metrics.Select(m => $"{{\"type\":\"metric\",\"name\":\"{m}\",\"value\":0.5}}"));
        _repo.WriteFile($"{name}.jsonl", lines + "\n");
        var result = GitTrackProcess.Run(_repo, "run", "-n", name, "--", "sh", "-c", $"cat {name}.jsonl >> \"$GITTRACK_EVENTS\"");
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public void Best_with_a_mistyped_metric_says_no_run_has_it_and_lists_the_near_names()
    {
        RunWithMetrics("a", "val_auc", "val_acc", "train_loss");

        var result = GitTrackProcess.Run(_repo, "best", "--metric", "val_aucc");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gittrack: no run has metric 'val_aucc' (did you mean 'val_acc' or 'val_auc'? "
            + "'gittrack ls --columns name,metrics.*' shows the metrics runs have)\n", result.Stderr);
    }

    [Fact]
    public void Best_with_a_metric_that_says_no_direction_still_asks_for_one()
    {
        RunWithMetrics("a", "throughput");

        var result = GitTrackProcess.Run(_repo, "best", "--metric", "throughput");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot tell whether a higher or lower 'throughput' is better", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistyped_subcommand_suggests_the_nearest_one()
    {
        var result = GitTrackProcess.Run(_repo, "lss");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gittrack: unknown command 'lss' (did you mean 'gittrack ls'? see 'gittrack --help')\n", result.Stderr);
    }

    [Fact]
    public void A_mistyped_subcommand_of_cache_and_a_mistyped_option_suggest_theirs()
    {
        var cache = GitTrackProcess.Run(_repo, "cache", "verfy");
        Assert.Equal(2, cache.ExitCode);
        Assert.Contains("unknown command 'verfy' (did you mean 'gittrack cache verify'?", cache.Stderr, StringComparison.Ordinal);

        var option = GitTrackProcess.Run(_repo, "ls", "--fliter", "name = a");
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("unknown option '--fliter' (did you mean 'gittrack ls --filter'?", option.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metric_compared_with_a_bare_word_is_a_query_error_with_a_caret_and_exit_2()
    {
        RunWithMetrics("a", "val_auc");

        var result = GitTrackProcess.Run(_repo, "ls", "--filter", "metrics.val_auc > high");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.Split('\n');
        Assert.StartsWith("gittrack: bad filter: metrics.val_auc is a number, 'high' is not at column 19", lines[0], StringComparison.Ordinal);
        Assert.Equal("  metrics.val_auc > high", lines[1]);
        Assert.Equal(lines[1].IndexOf("high", StringComparison.Ordinal), lines[2].IndexOf('^'));
    }
}
