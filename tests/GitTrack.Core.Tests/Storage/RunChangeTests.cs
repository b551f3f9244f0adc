using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

/// <summary><see cref="RunStore.Change"/>, <see cref="RunStore.Remove"/> and <see cref="RunStore.Restore"/> on a real runs branch.</summary>
public sealed class RunChangeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _repo = new();
    private readonly GitDirectories _dirs;
    private readonly string _tree;

    public RunChangeTests()
    {
        _dirs = GitDirectories.Discover(_repo.Root);
        _tree = _repo.Git("rev-parse", "HEAD^{tree}").Trim();
    }

    public void Dispose() => _repo.Dispose();

    private RunStore Open() => RunStore.Open(_dirs, new CrashDetector("this-host", "this-boot"));

    private int Commits() => int.Parse(_repo.Git("rev-list", "--count", "gittrack/runs").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_change_applies_to_the_manifest_at_the_tip_so_a_later_checkpoint_is_kept()
    {
        using var recorder = Open();
        using var tagger = Open();
        var run = recorder.Create(SampleRuns.Minimal(_tree, T0));
        // The recorder checkpoints after the tagger looked the run up, before it changes it.
        var seen = tagger.Resolve(run.Name);
        recorder.Save(run with { Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = 0.5 } }, []);

        tagger.Change(seen.Id, r => r with { Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "vision" } }, "tagged team=vision");

        var back = recorder.Get(run.Id);
        Assert.Equal(0.5, back.Metrics["loss"]);
        Assert.Equal("vision", back.Tags["team"]);
        Assert.Equal("vision", Assert.Single(recorder.List()).Tags["team"]);
    }

    [Fact]
    public void A_change_that_changes_nothing_makes_no_commit_and_a_taken_name_is_refused()
    {
        using var store = Open();
        var a = store.Create(SampleRuns.Minimal(_tree, T0, "a"));
        store.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(1), "b"));
        var before = Commits();
        store.Change(a.Id, r => r, "nothing");
        Assert.Equal(before, Commits());
        Assert.Throws<InvalidInputException>(() => store.Change(a.Id, r => r with { Name = "b" }, "renamed"));
        Assert.Throws<InvalidInputException>(() => store.Change(a.Id, r => r with { Name = "bad\nname" }, "renamed"));
        Assert.Equal(before, Commits());
    }

    [Fact]
    public void A_removed_run_is_listed_only_with_removed_runs_resolves_by_id_and_restores()
    {
        using var store = Open();
        var run = store.Create(SampleRuns.Minimal(_tree, T0, "gone", RunStatus.Completed), [new MetricPoint("loss", 1, 0, null)]);
        var before = Commits();

        store.Remove(run.Id);
        store.Remove(run.Id); // already removed: no second commit

        Assert.Equal(before + 1, Commits());
        Assert.Empty(store.List());
        var listed = Assert.Single(store.List(includeRemoved: true));
        Assert.NotNull(listed.DeletedAt);
        Assert.Equal(listed.DeletedAt, store.RemovedAt(run.Id));
        Assert.Throws<NotFoundException>(() => store.Resolve("gone"));
        Assert.Equal(run.Id, store.Resolve("gone", includeRemoved: true).Id);
        Assert.Equal(run.Id, store.Resolve(run.Id).Id);
        Assert.Single(store.ReadHistory(run.Id));

        // A fresh index (deleted file) reads the tombstone from the branch too.
        File.Delete(Path.Combine(_dirs.GitTrackDir, "index", "runs.bin"));
        Assert.Empty(store.List());

        store.Restore(run.Id);
        Assert.Equal(before + 2, Commits());
        Assert.Null(Assert.Single(store.List()).DeletedAt);
        Assert.Equal("", _repo.Git("ls-tree", "--name-only", "gittrack/runs", $"runs/{run.Id[..2]}/{run.Id}/deleted").Trim());
    }

    [Fact]
    public void A_malformed_tombstone_is_corrupt_data_and_listings_skip_that_run_naming_it()
    {
        using var store = Open();
        var other = store.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(1), "other", RunStatus.Completed));
        var run = store.Create(SampleRuns.Minimal(_tree, T0, "x", RunStatus.Completed));
        var folder = $"runs/{run.Id[..2]}/{run.Id}";
        // Write a bad tombstone with plain git, as another tool might.
        var badBlob = HashText("gone yesterday\n");
        var runTree = _repo.Git("rev-parse", $"gittrack/runs:{folder}").Trim();
        var listing = _repo.Git("ls-tree", runTree) + $"100644 blob {badBlob}\tdeleted\n";
        var newRunTree = MkTree(listing);
        var shardTree = MkTree(_repo.Git("ls-tree", $"gittrack/runs:runs/{run.Id[..2]}").Replace(runTree, newRunTree, StringComparison.Ordinal));
        var runsTree = MkTree(_repo.Git("ls-tree", "gittrack/runs:runs").Replace(_repo.Git("rev-parse", $"gittrack/runs:runs/{run.Id[..2]}").Trim(), shardTree, StringComparison.Ordinal));
        var root = MkTree($"040000 tree {runsTree}\truns\n");
        var commit = _repo.Git("commit-tree", root, "-p", "gittrack/runs", "-m", "bad tombstone").Trim();
        _repo.Git("update-ref", "refs/heads/gittrack/runs", commit);

        Assert.Equal([other.Id], store.List().Select(r => r.Id));
        var skipped = Assert.Single(store.Skipped);
        Assert.Equal(folder, skipped.Path);
        Assert.Contains("deleted", skipped.Reason, StringComparison.Ordinal);
        Assert.Throws<CorruptDataException>(() => store.RemovedAt(run.Id));
        // Reported again by the next listing, from the saved index, until the branch is fixed.
        using (var again = Open())
        {
            Assert.Single(again.List());
            Assert.Equal(folder, Assert.Single(again.Skipped).Path);
        }
    }

    [Fact]
    public void An_index_file_of_the_previous_format_is_rebuilt_with_source_and_parent()
    {
        using var store = Open();
        var parent = store.Create(SampleRuns.Minimal(_tree, T0, "parent", RunStatus.Completed));
        store.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(1), "child", RunStatus.Completed) with { Parent = parent.Id });
        var path = Path.Combine(_dirs.GitTrackDir, "index", "runs.bin");
        // Version 1 held no source or parent: a reader that trusted it would filter on values it does not have.
        File.WriteAllBytes(path, [(byte)'G', (byte)'T', (byte)'I', (byte)'X', 1, 0, 0, 0, 0]);

        using var reopened = Open(); // the store that wrote it keeps its index in memory
        var child = reopened.List().Single(r => r.Name == "child");

        Assert.Equal(parent.Id, child.Parent);
        Assert.Equal(SampleRuns.ZeroCommit, child.SourceCommit);
        Assert.Equal(7, BitConverter.ToInt32(File.ReadAllBytes(path), 4));
    }

    private string HashText(string text)
    {
        var path = Path.Combine(_repo.Root, "..", "blob.txt");
        File.WriteAllText(path, text);
        return _repo.Git("hash-object", "-w", path).Trim();
    }

    private string MkTree(string listing)
    {
        var path = Path.Combine(_repo.Root, "..", "tree.txt");
        File.WriteAllText(path, listing);
        return ProcessRunner.Run("sh", ["-c", $"git mktree < '{path}'"], _repo.Root, _repo.Environment).Stdout.Trim();
    }
}
