using GitTrack.Core.Checkout;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Checkout;

public sealed class RunCheckoutTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly RecordedRuns _runs;
    private readonly string _outside;

    public RunCheckoutTests()
    {
        _runs = new RecordedRuns(_repo);
        _outside = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "outside");
        Directory.CreateDirectory(_outside);
        _repo.WriteFile(".gitignore", "models/\nout/\n");
        _repo.WriteFile("train.py", "print('v1')\n");
        _repo.WriteFile("keep.txt", "keep\n");
        _repo.WriteFile("old_name.txt", "renamed later\n");
        _repo.Commit("training code");
    }

    public void Dispose() => _repo.Dispose();

    private CheckoutResult Apply(RunRecord run, CheckoutOptions? options = null) =>
        RunCheckout.Apply(_runs.Directories, run, _runs.Cache, options ?? new CheckoutOptions());

    private string Worktree(string name = "wt") => Path.Combine(Path.GetDirectoryName(_repo.Root)!, name);

    /// <summary>A dirty run: a modified, a deleted, a renamed and an untracked file, a binary model and a folder of outputs.</summary>
    private RunRecord RecordDirtyRun()
    {
        _repo.WriteFile("train.py", "print('v2, not committed')\n");
        File.Delete(_repo.PathOf("keep.txt"));
        File.Move(_repo.PathOf("old_name.txt"), _repo.PathOf("new_name.txt"));
        _repo.WriteFile("notes.md", "untracked notes\n");
        _repo.WriteFile("models/model.bin", RecordedRuns.RandomBytes(300_000, 1));
        _repo.WriteFile("out/a.csv", "a\n1\n");
        _repo.WriteFile("out/deep/b.bin", RecordedRuns.RandomBytes(5_000, 2));
        return _runs.Record("dirty", ["models/model.bin", "out"]);
    }

    [Fact]
    public void Worktree_checkout_restores_dirty_code_and_artifacts_byte_for_byte_with_the_same_git_status()
    {
        var run = RecordDirtyRun();
        var statusAtRecord = _repo.Git("status", "--porcelain");
        var model = File.ReadAllBytes(_repo.PathOf("models/model.bin"));
        var deep = File.ReadAllBytes(_repo.PathOf("out/deep/b.bin"));
        // The user moves on: a new commit, and the outputs are gone.
        _repo.Commit("moving on");
        Directory.Delete(_repo.PathOf("models"), recursive: true);
        var listingBefore = RecordedRuns.Listing(_repo.Root);

        var result = Apply(run, new CheckoutOptions { Worktree = Worktree() });

        var wt = Worktree();
        Assert.Equal(wt, result.Root);
        Assert.Equal("print('v2, not committed')\n", File.ReadAllText(Path.Combine(wt, "train.py")));
        Assert.False(File.Exists(Path.Combine(wt, "keep.txt")));
        Assert.False(File.Exists(Path.Combine(wt, "old_name.txt")));
        Assert.Equal("renamed later\n", File.ReadAllText(Path.Combine(wt, "new_name.txt")));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(wt, "models/model.bin")));
        Assert.Equal(deep, File.ReadAllBytes(Path.Combine(wt, "out/deep/b.bin")));
        Assert.Equal("a\n1\n", File.ReadAllText(Path.Combine(wt, "out/a.csv")));
        var worktreeGit = new WorktreeGit(_repo, wt);
        Assert.Equal(run.Source.Commit, worktreeGit.Run("rev-parse", "HEAD").Trim());
        Assert.Equal(statusAtRecord, worktreeGit.Run("status", "--porcelain"));
        Assert.Equal(3, result.Artifacts.Count);
        Assert.Equal(listingBefore, RecordedRuns.Listing(_repo.Root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(wt, ".gittrack-checkout-*"));
    }

    [Fact]
    public void Checkout_in_place_of_a_run_on_an_earlier_commit_detaches_there_and_restores_its_files()
    {
        _repo.WriteFile("models/model.bin", RecordedRuns.RandomBytes(10_000, 3));
        var first = _runs.Record("first", ["models/model.bin"]);
        var model = File.ReadAllBytes(_repo.PathOf("models/model.bin"));
        _repo.WriteFile("train.py", "print('v3')\n");
        _repo.WriteFile("added_later.py", "x = 1\n");
        _repo.Commit("later work");
        File.Delete(_repo.PathOf("models/model.bin"));

        var result = Apply(first);

        Assert.Equal("main", result.PreviousHead);
        Assert.Equal(first.Source.Commit, _repo.Git("rev-parse", "HEAD").Trim());
        Assert.Equal("print('v1')\n", File.ReadAllText(_repo.PathOf("train.py")));
        Assert.False(File.Exists(_repo.PathOf("added_later.py")));
        Assert.Equal(model, File.ReadAllBytes(_repo.PathOf("models/model.bin")));
        Assert.Equal("", _repo.Git("status", "--porcelain"));
        Assert.Contains("main", _repo.Git("branch", "--list", "main"), StringComparison.Ordinal);
    }

    [Fact]
    public void Checkout_refuses_uncommitted_changes_and_writes_nothing()
    {
        _repo.WriteFile("models/model.bin", RecordedRuns.RandomBytes(1000, 4));
        var run = _runs.Record("r", ["models/model.bin"]);
        File.Delete(_repo.PathOf("models/model.bin"));
        _repo.WriteFile("train.py", "print('my precious edits')\n");
        var before = RecordedRuns.Listing(_repo.Root);

        var error = Assert.Throws<ConflictException>(() => Apply(run));

        Assert.Contains("uncommitted changes: train.py", error.Message, StringComparison.Ordinal);
        Assert.Contains("--worktree", error.Hint, StringComparison.Ordinal);
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));
    }

    [Fact]
    public void Checkout_refuses_an_untracked_file_where_the_runs_code_goes_and_writes_nothing()
    {
        _repo.WriteFile("notes.md", "the run's notes\n");
        var run = _runs.Record("r");
        _repo.WriteFile("notes.md", "the user's own notes, never committed\n");
        var before = RecordedRuns.Listing(_repo.Root);

        var error = Assert.Throws<ConflictException>(() => Apply(run));

        Assert.Contains("notes.md", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));
    }

    [Fact]
    public void Checkout_accepts_an_untracked_file_that_already_holds_the_runs_bytes()
    {
        _repo.WriteFile("notes.md", "same notes\n");
        var run = _runs.Record("r");

        Apply(run);

        Assert.Equal("same notes\n", File.ReadAllText(_repo.PathOf("notes.md")));
    }

    [Fact]
    public void Checkout_refuses_an_ignored_file_where_an_artifact_goes_unless_forced()
    {
        _repo.WriteFile("models/model.bin", RecordedRuns.RandomBytes(2000, 5));
        var run = _runs.Record("r", ["models/model.bin"]);
        var recorded = File.ReadAllBytes(_repo.PathOf("models/model.bin"));
        _repo.WriteFile("models/model.bin", "a newer model the user trained\n");
        var before = RecordedRuns.Listing(_repo.Root);

        var error = Assert.Throws<ConflictException>(() => Apply(run, new CheckoutOptions { ArtifactsOnly = true }));
        Assert.Contains("models/model.bin", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));

        Apply(run, new CheckoutOptions { ArtifactsOnly = true, Force = true });
        Assert.Equal(recorded, File.ReadAllBytes(_repo.PathOf("models/model.bin")));
    }

    [Fact]
    public void Artifacts_only_restores_artifacts_and_leaves_head_and_code_alone()
    {
        _repo.WriteFile("out/x.txt", "x\n");
        var run = _runs.Record("r", ["out"]);
        Directory.Delete(_repo.PathOf("out"), recursive: true);
        _repo.WriteFile("train.py", "print('edited after')\n");
        _repo.Commit("edited after");
        var head = _repo.Git("rev-parse", "HEAD");

        var result = Apply(run, new CheckoutOptions { ArtifactsOnly = true });

        Assert.False(result.CodeRestored);
        Assert.Equal("x\n", File.ReadAllText(_repo.PathOf("out/x.txt")));
        Assert.Equal(head, _repo.Git("rev-parse", "HEAD"));
        Assert.Equal("print('edited after')\n", File.ReadAllText(_repo.PathOf("train.py")));
    }

    [Fact]
    public void Missing_objects_are_listed_together_and_nothing_is_written()
    {
        _repo.WriteFile("out/a.bin", RecordedRuns.RandomBytes(100, 6));
        _repo.WriteFile("out/b.bin", RecordedRuns.RandomBytes(100, 7));
        _repo.WriteFile("out/c.bin", RecordedRuns.RandomBytes(100, 8));
        var run = _runs.Record("r", ["out"]);
        Directory.Delete(_repo.PathOf("out"), recursive: true);
        File.Delete(_runs.Cache.PathOf(run.Artifacts[0].Key));
        File.Delete(_runs.Cache.PathOf(run.Artifacts[2].Key));
        var before = RecordedRuns.Listing(_repo.Root);
        var worktrees = _repo.Git("worktree", "list");

        var error = Assert.Throws<NotFoundException>(() => Apply(run, new CheckoutOptions { ArtifactsOnly = true }));
        Assert.Throws<NotFoundException>(() => Apply(run, new CheckoutOptions { Worktree = Worktree() }));

        Assert.Contains("2 objects are not in the local cache", error.Message, StringComparison.Ordinal);
        Assert.Contains("no artifacts remote is set", error.Message, StringComparison.Ordinal);
        Assert.Contains("out/a.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("out/c.bin", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("out/b.bin", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));
        Assert.False(Directory.Exists(Worktree()));
        Assert.Equal(worktrees, _repo.Git("worktree", "list"));
    }

    [Fact]
    public void A_corrupt_object_fails_the_checkout_and_nothing_is_half_restored()
    {
        _repo.WriteFile("out/a.bin", RecordedRuns.RandomBytes(50_000, 9));
        _repo.WriteFile("out/b.bin", RecordedRuns.RandomBytes(50_000, 10));
        var run = _runs.Record("r", ["out"]);
        Directory.Delete(_repo.PathOf("out"), recursive: true);
        var objectPath = _runs.Cache.PathOf(run.Artifacts[1].Key);
        File.SetAttributes(objectPath, FileAttributes.Normal);
        var bytes = File.ReadAllBytes(objectPath);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(objectPath, bytes);
        var before = RecordedRuns.Listing(_repo.Root);

        Assert.ThrowsAny<GitTrackException>(() => Apply(run, new CheckoutOptions { ArtifactsOnly = true }));
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));

        Assert.ThrowsAny<GitTrackException>(() => Apply(run, new CheckoutOptions { Worktree = Worktree() }));
        Assert.False(Directory.Exists(Worktree()));
        Assert.DoesNotContain("wt", _repo.Git("worktree", "list"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_inside_the_tree_is_followed()
    {
        Directory.CreateDirectory(_repo.PathOf("real"));
        _repo.WriteFile("real/.keep", "");
        File.CreateSymbolicLink(_repo.PathOf("linked"), "real");
        _repo.Commit("a link inside");
        _repo.WriteFile("real/m.bin", RecordedRuns.RandomBytes(100, 11));
        var withArtifact = _runs.Record("r2", ["real/m.bin"], r => r with
        {
            Artifacts = [r.Artifacts[0] with { Path = "linked/m.bin" }],
        });
        File.Delete(_repo.PathOf("real/m.bin"));

        Apply(withArtifact, new CheckoutOptions { Worktree = Worktree() });

        Assert.Equal(RecordedRuns.RandomBytes(100, 11), File.ReadAllBytes(Path.Combine(Worktree(), "real/m.bin")));
    }

    /// <summary>git run in a linked worktree, with the test repository's isolated configuration.</summary>
    private sealed class WorktreeGit(TempGitRepo repo, string folder)
    {
        public string Run(params string[] args)
        {
            var result = ProcessRunner.Run("git", args, folder, repo.Environment);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return result.Stdout;
        }
    }
}
