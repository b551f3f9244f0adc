using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The newcomer's path through the real process: two trainings with different params, <c>gittrack diff</c>,
/// <c>gittrack checkout</c> (refused in a dirty tree, then into a worktree) and <c>gittrack rerun</c>.
/// </summary>
public sealed class DiffCheckoutCommandTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public DiffCheckoutCommandTests()
    {
        _repo.WriteFile(".gitignore", "models/\n");
        _repo.WriteFile("config.txt", "lr=0.1\n");
        // The "training": the model is the config it ran with, so the bytes say which run made it.
        _repo.WriteFile("train.sh", "mkdir -p models\ncat config.txt > models/model.bin\necho trained\n");
        _repo.Commit("training code");
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gittrack(params string[] args) => GitTrackProcess.Run(_repo, args);

    private void TrainTwice()
    {
        Assert.Equal(0, Gittrack("run", "-n", "first", "-p", "lr=0.1", "-a", "models/model.bin", "--", "sh", "train.sh").ExitCode);
        _repo.WriteFile("config.txt", "lr=0.5\n");
        Assert.Equal(0, Gittrack("run", "-n", "second", "-p", "lr=0.5", "-p", "batch=32", "-a", "models/model.bin", "--", "sh", "train.sh").ExitCode);
    }

    [Fact]
    public void Diff_shows_params_artifacts_and_gits_stat_of_the_uncommitted_change_without_colour_when_piped()
    {
        TrainTwice();

        var result = Gittrack("diff", "first", "second");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("~ lr     0.1 -> 0.5", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("+ batch  32", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("~ models/model.bin  7 B -> 7 B", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(" config.txt | 2 +-", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("command", result.Stdout, StringComparison.Ordinal); // same in both: left out
    }

    [Fact]
    public void Diff_code_prints_exactly_gits_unified_diff_and_json_has_every_section()
    {
        TrainTwice();
        using var doc = JsonDocument.Parse(Gittrack("diff", "first", "second", "--json", "--code").Stdout);
        var root = doc.RootElement;
        var treeA = root.GetProperty("code").GetProperty("a_tree").GetString()!;
        var treeB = root.GetProperty("code").GetProperty("b_tree").GetString()!;

        var full = Gittrack("diff", "first", "second", "--code").Stdout;

        var gitDiff = _repo.Git("diff", treeA, treeB);
        Assert.EndsWith("\n" + gitDiff, full, StringComparison.Ordinal);
        Assert.Contains("-lr=0.1\n+lr=0.5\n", gitDiff, StringComparison.Ordinal);
        Assert.Equal(gitDiff, root.GetProperty("code").GetProperty("patch").GetString());
        Assert.Equal("config.txt", root.GetProperty("code").GetProperty("files")[0].GetProperty("path").GetString());
        var lr = root.GetProperty("params").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "lr");
        Assert.Equal(("changed", 0.1, 0.5), (lr.GetProperty("change").GetString(), lr.GetProperty("a").GetDouble(), lr.GetProperty("b").GetDouble()));
        Assert.Equal("changed", root.GetProperty("artifacts")[0].GetProperty("change").GetString());
        Assert.DoesNotContain(root.GetProperty("params").EnumerateArray(), p => p.GetProperty("change").GetString() == "same");
    }

    [Fact]
    public void Checkout_refuses_a_dirty_tree_in_one_line_then_restores_the_exact_code_and_model_into_a_worktree()
    {
        TrainTwice();
        var before = Listing();

        var refused = Gittrack("checkout", "first");

        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: the work tree has uncommitted changes: config.txt (", line, StringComparison.Ordinal);
        Assert.Contains("--worktree", line, StringComparison.Ordinal);
        Assert.Equal(before, Listing());

        var worktree = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "first-wt");
        var restored = Gittrack("checkout", "first", "--worktree", worktree);

        Assert.Equal(0, restored.ExitCode);
        Assert.Equal("lr=0.1\n", File.ReadAllText(Path.Combine(worktree, "config.txt")));
        Assert.Equal("lr=0.1\n", File.ReadAllText(Path.Combine(worktree, "models", "model.bin")));
        Assert.Equal(before, Listing());
        Assert.Equal("lr=0.5\n", File.ReadAllText(_repo.PathOf("models/model.bin")));
    }

    [Fact]
    public void Checkout_artifacts_only_refuses_an_ignored_model_in_the_way_then_force_restores_it()
    {
        TrainTwice();

        var refused = Gittrack("checkout", "first", "--artifacts-only");
        var forced = Gittrack("checkout", "first", "--artifacts-only", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("models/model.bin", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("lr=0.1\n", File.ReadAllText(_repo.PathOf("models/model.bin")));
        Assert.Equal("lr=0.5\n", File.ReadAllText(_repo.PathOf("config.txt")));
    }

    [Fact]
    public void Rerun_records_a_run_that_reproduces_the_original_and_prints_the_diff()
    {
        TrainTwice();

        var result = Gittrack("rerun", "first");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("diff first", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("models/model.bin", result.Stdout, StringComparison.Ordinal); // the same bytes again
        Assert.DoesNotContain("~ lr", result.Stdout, StringComparison.Ordinal);
        using var first = JsonDocument.Parse(Gittrack("show", "first", "--json").Stdout);
        using var rerun = JsonDocument.Parse(Gittrack("show", "run_001", "--json").Stdout);
        Assert.Equal(first.RootElement.GetProperty("id").GetString(), rerun.RootElement.GetProperty("reproduces").GetString());
        Assert.Equal(first.RootElement.GetProperty("source").GetProperty("tree").GetString(),
            rerun.RootElement.GetProperty("source").GetProperty("tree").GetString());
        Assert.Equal("lr=0.5\n", File.ReadAllText(_repo.PathOf("config.txt")));
        // Completed, so its fresh worktree is gone again, from disk and from git's list.
        Assert.Single(_repo.Git("worktree", "list", "--porcelain").Split('\n'), l => l.StartsWith("worktree ", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateDirectories(_repo.PathOf(".git/gittrack/worktrees")));
    }

    [Fact]
    public void Rerun_keeps_its_worktree_when_asked_and_when_the_rerun_fails()
    {
        TrainTwice();

        var kept = Gittrack("rerun", "first", "--keep");
        var keptPath = Assert.Single(Directory.EnumerateDirectories(_repo.PathOf(".git/gittrack/worktrees")));
        Assert.Contains($"worktree stays at {keptPath}", kept.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(keptPath, "config.txt")));

        // A run whose command fails fails again when rerun: its worktree stays for a look.
        _repo.Git("worktree", "remove", "--force", keptPath);
        File.WriteAllText(_repo.PathOf("fail.sh"), "exit 3\n");
        _repo.Commit("a failing step");
        Assert.Equal(3, Gittrack("run", "-n", "failing", "--", "sh", "fail.sh").ExitCode);
        var failed = Gittrack("rerun", "failing");
        Assert.Equal(3, failed.ExitCode);
        var failedPath = Assert.Single(Directory.EnumerateDirectories(_repo.PathOf(".git/gittrack/worktrees")));
        Assert.Contains($"worktree stays at {failedPath}", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_colours_its_lines_on_a_terminal()
    {
        TrainTwice();
        var output = new StringWriter();
        // A terminal without NO_COLOR, whatever this test process was given.
        var context = new CommandContext { Out = output, Error = new StringWriter(), WorkingDirectory = _repo.Root, OutIsTerminal = true, NoColor = false };

        var exit = CliApp.Run(["diff", "first", "second"], context);

        Assert.Equal(0, exit);
        Assert.Contains("\u001b[33m~ lr     0.1 -> 0.5\u001b[0m", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[32m+ batch  32\u001b[0m", output.ToString(), StringComparison.Ordinal);
    }

    private string Listing() =>
        string.Join('\n', Directory.EnumerateFiles(_repo.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{f} {File.ReadAllText(f).GetHashCode(StringComparison.Ordinal)}"));
}
