using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

public sealed class RunStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _repo = new();
    private readonly GitDirectories _dirs;
    private readonly string _tree;

    public RunStoreTests()
    {
        _dirs = GitDirectories.Discover(_repo.Root);
        _tree = _repo.Git("rev-parse", "HEAD^{tree}").Trim();
    }

    public void Dispose() => _repo.Dispose();

    private RunStore Open() => RunStore.Open(_dirs, new CrashDetector("this-host", "this-boot"));

    private RunRecord NewRun(int minutes, string name = "", RunStatus status = RunStatus.Completed) =>
        SampleRuns.Minimal(_tree, T0.AddMinutes(minutes), name, status);

    [Fact]
    public void Created_run_reads_back_with_a_default_name_and_leaves_head_index_and_status_alone()
    {
        var statusBefore = _repo.Git("status", "--porcelain=v2", "--branch");
        var headBefore = _repo.Git("rev-parse", "HEAD");
        using var store = Open();
        var run = SampleRuns.Full() with { Name = "", Source = SampleRuns.Full().Source with { Tree = _tree } };

        var created = store.Create(run);

        Assert.Equal("run_001", created.Name);
        var back = store.Get(run.Id);
        Assert.Equal(ManifestToml.Write(created), ManifestToml.Write(back));
        Assert.Equal(statusBefore, _repo.Git("status", "--porcelain=v2", "--branch"));
        Assert.Equal(headBefore, _repo.Git("rev-parse", "HEAD"));
        // A finished record (an import) is one commit that says how it ended.
        Assert.Equal($"run run_001 ({run.Id[..8]}): {ManifestToml.StatusText(run.Status)}", _repo.Git("log", "-1", "--first-parent", "--format=%s", "gittrack/runs").Trim());
    }

    [Fact]
    public void Runs_are_stored_sharded_with_manifest_and_history_and_the_code_as_a_second_parent()
    {
        using var store = Open();
        var run = store.Create(NewRun(0, status: RunStatus.Running), [new MetricPoint("loss", 1, 0, T0)]);
        var folder = $"runs/{run.Id[..2]}/{run.Id}";
        var listing = _repo.Git("ls-tree", "gittrack/runs", $"{folder}/");
        Assert.DoesNotContain("code", listing, StringComparison.Ordinal);
        Assert.Contains($"\t{folder}/manifest.toml", listing, StringComparison.Ordinal);
        Assert.Contains($"\t{folder}/history", listing, StringComparison.Ordinal);
        Assert.Contains("status = \"running\"", _repo.Git("show", $"gittrack/runs:{folder}/manifest.toml"), StringComparison.Ordinal);
        // The code snapshot is the tree of the started commit's second parent, so it is reachable (it travels with
        // the branch) but never in the branch's own tree (checking the branch out does not write it).
        Assert.Equal(_tree, _repo.Git("rev-parse", "gittrack/runs^2^{tree}").Trim());
        Assert.Equal("README.md\nruns\n", _repo.Git("ls-tree", "--name-only", "gittrack/runs"));
        Assert.Equal("", _repo.Git("log", "--format=%P", "-1", "gittrack/runs^2").Trim());
    }

    [Fact]
    public void The_name_count_outlives_a_runs_end_and_a_tag_so_the_next_run_reads_no_index()
    {
        var index = Path.Combine(_dirs.GitTrackDir, "index", "runs.bin");
        using (var store = Open())
        {
            var run = store.Create(NewRun(0, status: RunStatus.Running));
            store.Save(run with { Status = RunStatus.Completed, ExitCode = 0 }, []);
            store.Edit(run.Id, new RunEdit { Id = RunEdit.NewId(), Clock = 1, At = T0.AddHours(1), SetTags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v" } }, "tagged k=v");
        }
        File.Delete(index);

        using var next = Open();
        Assert.Equal("run_002", next.Create(NewRun(1)).Name);
        // Naming it needed no count of the runs: the index (10,000 runs: most of a run's start-up) was not read.
        Assert.False(File.Exists(index));
    }

    [Fact]
    public void Names_count_up_and_a_given_name_is_kept()
    {
        using var store = Open();
        Assert.Equal("run_001", store.Create(NewRun(0)).Name);
        Assert.Equal("baseline", store.Create(NewRun(1, "baseline")).Name);
        Assert.Equal("run_002", store.Create(NewRun(2)).Name);
        Assert.Equal("run_010", store.Create(NewRun(3, "run_010")).Name);
        // A second store (another process) sees the names too, even without the local counter.
        File.Delete(Path.Combine(_dirs.GitTrackDir, "index", "names"));
        using var other = Open();
        Assert.Equal("run_011", other.Create(NewRun(4)).Name);
    }

    [Fact]
    public void A_save_replaces_the_history_and_the_end_updates_the_manifest_and_revision()
    {
        using var store = Open();
        MetricPoint[] points = [new("loss", 3, 0, T0), new("loss", 2, 1, T0.AddSeconds(1)), new("acc", 0.5, 1, null), new("loss", 1, 2, T0.AddSeconds(2))];
        var run = store.Create(NewRun(0, status: RunStatus.Running), points[..1]);
        Assert.Equal(1, run.Revision);
        var progress = store.Save(run with { Metrics = Metric("loss", 2) }, points[..3]);
        Assert.Equal(2, progress.Revision);
        store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = T0.AddMinutes(5), Metrics = Metric("loss", 1) }, points);

        var history = store.ReadHistory(run.Id);
        Assert.Equal([3.0, 2.0, 1.0], history.Where(p => p.Name == "loss").Select(p => p.Value));
        Assert.Equal([0L, 1L, 2L], history.Where(p => p.Name == "loss").Select(p => p.Step!.Value));
        Assert.Single(history, p => p.Name == "acc");
        var back = store.Get(run.Id);
        Assert.Equal(RunStatus.Completed, back.Status);
        Assert.Equal(TimeSpan.FromMinutes(5), back.Duration);
        Assert.Equal(3, back.Revision);
        Assert.Equal("000000.bin\n",
            _repo.Git("ls-tree", "--name-only", $"gittrack/runs:runs/{run.Id[..2]}/{run.Id}/history/"));
        var log = _repo.Git("log", "--first-parent", "--format=%s", "gittrack/runs").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"run run_001 ({run.Id[..8]}): completed", $"run run_001 ({run.Id[..8]}): progress", $"run run_001 ({run.Id[..8]}): started", "gittrack: runs branch"], log);
    }

    [Fact]
    public void List_is_newest_first_and_follows_commits_made_by_other_stores()
    {
        using var store = Open();
        var a = store.Create(NewRun(0));
        var b = store.Create(NewRun(10));
        Assert.Equal([b.Id, a.Id], store.List().Select(r => r.Id));
        using (var other = Open())
            other.Save(a with { Metrics = Metric("loss", 0.5), StartedAt = T0.AddMinutes(20) }, []);
        var listed = store.List();
        Assert.Equal([a.Id, b.Id], listed.Select(r => r.Id));
        Assert.Equal(0.5, listed[0].Metrics["loss"]);
    }

    [Fact]
    public void A_corrupt_or_missing_local_index_is_rebuilt_from_the_branch()
    {
        using var store = Open();
        var a = store.Create(NewRun(0));
        store.List();
        var indexPath = Path.Combine(_dirs.GitTrackDir, "index", "runs.bin");
        // A store keeps its index in memory for its life: each damage is met by a store opened after it.
        File.WriteAllBytes(indexPath, [1, 2, 3]);
        using (var afterCorruption = Open())
            Assert.Equal([a.Id], afterCorruption.List().Select(r => r.Id));
        Assert.NotEqual([1, 2, 3], File.ReadAllBytes(indexPath));
        File.Delete(indexPath);
        using (var afterDeletion = Open())
            Assert.Equal([a.Id], afterDeletion.List().Select(r => r.Id));
        Assert.True(File.Exists(indexPath));
    }

    [Fact]
    public void Index_updated_after_other_commits_matches_one_rebuilt_from_scratch()
    {
        using var store = Open();
        var runs = Enumerable.Range(0, 40).Select(i => store.Create(NewRun(i, status: RunStatus.Running))).ToList();
        store.List();
        using (var other = Open())
        {
            foreach (var run in runs.Take(5))
                other.Save(run with { Status = RunStatus.Failed, ExitCode = 1, Metrics = Metric("loss", 9) }, []);
            other.Create(NewRun(100));
        }
        string Describe(IReadOnlyList<RunSummary> list) => string.Join("\n", list.Select(r =>
            $"{r.Id} {r.Name} {r.Status} {r.ExitCode} {string.Join(",", r.Metrics.Select(m => $"{m.Key}={m.Value}"))}"));
        var incremental = Describe(store.List());
        File.Delete(Path.Combine(_dirs.GitTrackDir, "index", "runs.bin"));
        var rebuilt = Describe(store.List());
        Assert.Equal(rebuilt, incremental);
        Assert.Equal(41, store.List().Count);
        Assert.Equal(5, store.List().Count(r => r.Status == RunStatus.Failed));
    }

    [Fact]
    public void Resolve_accepts_id_prefix_and_name_and_lists_candidates_when_ambiguous()
    {
        using var store = Open();
        var a = store.Create(NewRun(0, "alpha"));
        var b = store.Create(NewRun(1, "beta"));
        store.Create(NewRun(2, "alpha"));

        Assert.Equal(a.Id, store.Resolve(a.Id).Id);
        Assert.Equal(a.Id, store.Resolve(a.Id[..6]).Id);
        Assert.Equal(b.Id, store.Resolve("beta").Id);
        var ambiguous = Assert.Throws<AmbiguousException>(() => store.Resolve("alpha"));
        Assert.Equal(2, ambiguous.Candidates.Count);
        Assert.Contains(ambiguous.Candidates, c => c.StartsWith(a.Id[..8], StringComparison.Ordinal));
        var missing = Assert.Throws<NotFoundException>(() => store.Resolve("gamma"));
        Assert.Contains("gittrack ls", missing.Hint, StringComparison.Ordinal);
        Assert.Throws<NotFoundException>(() => store.Resolve("abc")); // too short to be a prefix, not a name
    }

    [Fact]
    public void A_running_run_whose_recorder_is_gone_shows_as_crashed()
    {
        using var store = Open();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var alive = store.Create(NewRun(0, status: RunStatus.Running) with { Process = new ProcessInfo(self.Id, "this-host", "this-boot") });
        var deadPid = store.Create(NewRun(1, status: RunStatus.Running) with { Process = new ProcessInfo(int.MaxValue - 1, "this-host", "this-boot") });
        var rebooted = store.Create(NewRun(2, status: RunStatus.Running) with { Process = new ProcessInfo(self.Id, "this-host", "older-boot") });
        var elsewhere = store.Create(NewRun(3, status: RunStatus.Running) with { Process = new ProcessInfo(int.MaxValue - 1, "other-host", "x") });

        var statuses = store.List().ToDictionary(r => r.Id, r => r.Status);
        Assert.Equal(RunStatus.Running, statuses[alive.Id]);
        Assert.Equal(RunStatus.Crashed, statuses[deadPid.Id]);
        Assert.Equal(RunStatus.Crashed, statuses[rebooted.Id]);
        Assert.Equal(RunStatus.Running, statuses[elsewhere.Id]);
        Assert.Equal(RunStatus.Crashed, store.Get(deadPid.Id).Status);
        Assert.Contains("status = \"running\"", _repo.Git("show", $"gittrack/runs:runs/{deadPid.Id[..2]}/{deadPid.Id}/manifest.toml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sixteen_concurrent_writers_all_land_and_fsck_is_clean()
    {
        const int writers = 16;
        var ids = new string[writers];
        var errors = new Exception?[writers];
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, writers).Select(i => new Thread(() =>
        {
            try
            {
                // Each thread has its own RunStore and so its own libgit2 repository, as separate processes would.
                using var store = Open();
                start.Wait();
                MetricPoint[] points = [new("loss", i, 0, T0), new("loss", i, 1, T0)];
                var run = store.Create(NewRun(i, status: RunStatus.Running), points[..1]);
                store.Save(run with { Metrics = Metric("loss", i) }, points);
                store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = T0.AddHours(1) }, points);
                ids[i] = run.Id;
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        start.Set();
        foreach (var thread in threads)
            thread.Join();
        Assert.All(errors, Assert.Null);

        using var reader = Open();
        var listed = reader.List();
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(listed, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(Enumerable.Range(1, writers).Select(n => $"run_{n:D3}"), listed.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Equal(2, reader.ReadHistory(id).Count));
        // The branch's root, three commits per run, and each run's code snapshot commit (the started commit's second parent).
        Assert.Equal((1 + writers * 3).ToString(System.Globalization.CultureInfo.InvariantCulture), _repo.Git("rev-list", "--first-parent", "--count", "gittrack/runs").Trim());
        Assert.Equal((1 + writers * 4).ToString(System.Globalization.CultureInfo.InvariantCulture), _repo.Git("rev-list", "--count", "gittrack/runs").Trim());
        _repo.Git("fsck", "--strict", "--no-progress");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void History_reads_back_exactly_across_segments_of_different_sizes(int readers)
    {
        var before = RunReader.HistoryReaders;
        RunReader.HistoryReaders = readers;
        try
        {
            HistoryReadsBackExactly();
        }
        finally
        {
            RunReader.HistoryReaders = before;
        }
    }

    [Fact]
    public void A_damaged_later_history_segment_is_reported_as_corrupt_naming_it()
    {
        using var store = Open();
        var run = store.Create(NewRun(0, status: RunStatus.Running), [new MetricPoint("loss", 1, 0, T0)]);
        store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = T0.AddMinutes(5) },
            Enumerable.Range(0, 70_000).Select(i => new MetricPoint("loss", i, i, T0)).ToArray());
        var path = $"runs/{run.Id[..2]}/{run.Id}/history/000001.bin";
        // Same bytes less the last one, committed on the branch in place of the real segment.
        using (var repository = new LibGit2Sharp.Repository(_repo.Root))
        {
            var tip = repository.Branches["gittrack/runs"].Tip;
            using var content = new MemoryStream();
            using (var stream = ((LibGit2Sharp.Blob)tip[path].Target).GetContentStream())
                stream.CopyTo(content);
            var blob = repository.ObjectDatabase.CreateBlob(new MemoryStream(content.ToArray()[..^1]));
            var tree = repository.ObjectDatabase.CreateTree(LibGit2Sharp.TreeDefinition.From(tip.Tree).Add(path, blob, LibGit2Sharp.Mode.NonExecutableFile));
            var signature = new LibGit2Sharp.Signature("test", "test@example.com", T0);
            var commit = repository.ObjectDatabase.CreateCommit(signature, signature, "damage\n", tree, [tip], prettifyMessage: false);
            repository.Refs.UpdateTarget("refs/heads/gittrack/runs", commit.Sha);
        }

        var error = Assert.Throws<CorruptDataException>(() => store.ReadHistory(run.Id));
        Assert.Contains($"{run.Id}/000001.bin", error.Message, StringComparison.Ordinal);
    }

    private void HistoryReadsBackExactly()
    {
        using var store = Open();
        MetricPoint[] first = [new("loss", double.NaN, null, T0), new("acc", 0.5, 0, null)];
        var later = Enumerable.Range(0, 70_000).Select(i => new MetricPoint(
            i % 3 == 0 ? "val/loss" : "loss",
            i % 1000 == 7 ? double.PositiveInfinity : 1.0 / (i + 1),
            i % 5 == 0 ? null : i - 35_000L,
            i % 7 == 0 ? null : T0.AddMilliseconds(i * 3L - 100_000))).ToArray();
        var run = store.Create(NewRun(0, status: RunStatus.Running), first);
        store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = T0.AddMinutes(5) }, [.. first, .. later]);

        var history = store.ReadHistory(run.Id);

        // The whole history in logging order, cut into segments of 65,536 points: 000000 full, 000001 the rest.
        Assert.Equal("000000.bin\n000001.bin\n",
            _repo.Git("ls-tree", "--name-only", $"gittrack/runs:runs/{run.Id[..2]}/{run.Id}/history/"));
        Assert.Equal(first.Length + later.Length, history.Count);
        foreach (var name in new[] { "acc", "loss", "val/loss" })
            Assert.Equal(first.Concat(later).Where(p => p.Name == name), history.Where(p => p.Name == name));
    }

    [Fact]
    public void Git_config_can_name_another_branch()
    {
        _repo.Git("config", "gittrack.branch", "experiments/log");
        using var store = Open();
        Assert.Equal("refs/heads/experiments/log", store.Branch.RefName);
        var run = store.Create(NewRun(0));
        Assert.Contains(run.Id, _repo.Git("ls-tree", "-r", "--name-only", "experiments/log"), StringComparison.Ordinal);
        Assert.Equal(RunsBranch.Parse("refs/heads/experiments/log"), store.Branch);
        Assert.Throws<InvalidInputException>(() => RunsBranch.Parse("bad..name"));
    }

    [Fact]
    public void A_tampered_manifest_on_the_branch_is_reported_as_corrupt_naming_the_run_and_skipped_by_listings()
    {
        using var store = Open();
        var good = store.Create(NewRun(1));
        var run = store.Create(NewRun(0));
        var folder = $"runs/{run.Id[..2]}/{run.Id}";
        var text = _repo.Git("show", $"gittrack/runs:{folder}/manifest.toml").Replace("schema = 2", "schema = 99", StringComparison.Ordinal);
        var blobPath = _repo.WriteFile("tampered.toml", text);
        var blob = _repo.Git("hash-object", "-w", blobPath).Trim();
        File.Delete(blobPath);
        var indexFile = Path.Combine(_dirs.GitTrackDir, "tamper-index");
        var env = new Dictionary<string, string>(_repo.Environment) { ["GIT_INDEX_FILE"] = indexFile };
        ProcessRunner.Run("git", ["read-tree", "gittrack/runs"], _repo.Root, env);
        ProcessRunner.Run("git", ["update-index", "--cacheinfo", $"100644,{blob},{folder}/manifest.toml"], _repo.Root, env);
        var tree = ProcessRunner.Run("git", ["write-tree"], _repo.Root, env).Stdout.Trim();
        var commit = ProcessRunner.Run("git", ["commit-tree", tree, "-p", "gittrack/runs", "-m", "tamper"], _repo.Root, env).Stdout.Trim();
        _repo.Git("update-ref", "refs/heads/gittrack/runs", commit);

        var error = Assert.Throws<CorruptDataException>(() => store.Get(run.Id));
        Assert.Contains(run.Id, error.Message, StringComparison.Ordinal);
        Assert.Equal([good.Id], store.List().Select(r => r.Id));
        var skipped = Assert.Single(store.Skipped);
        Assert.Equal(folder, skipped.Path);
        Assert.Contains("schema", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(good.Id, store.Resolve(good.Name).Id);

        // Put right on the branch (here: the previous commit back), the run is listed again and nothing is skipped.
        _repo.Git("update-ref", "refs/heads/gittrack/runs", "gittrack/runs~1");
        Assert.Equal(2, store.List().Count);
        Assert.Empty(store.Skipped);
    }

    [Fact]
    public void An_entry_under_runs_that_is_no_shard_is_skipped_by_listings_naming_it()
    {
        using var store = Open();
        var run = store.Create(NewRun(0));
        var blob = _repo.Git("hash-object", "-w", "--stdin").Trim();
        var runsListing = _repo.Git("ls-tree", "gittrack/runs:runs") + $"100644 blob {blob}\tREADME.md\n";
        var runsTree = ProcessRunner.Run("git", ["mktree"], _repo.Root, _repo.Environment, stdin: runsListing).Stdout.Trim();
        var root = ProcessRunner.Run("git", ["mktree"], _repo.Root, _repo.Environment, stdin: $"040000 tree {runsTree}\truns\n").Stdout.Trim();
        var commit = _repo.Git("commit-tree", root, "-p", "gittrack/runs", "-m", "another tool wrote here").Trim();
        _repo.Git("update-ref", "refs/heads/gittrack/runs", commit);

        Assert.Equal([run.Id], store.List().Select(r => r.Id));
        Assert.Equal("runs/README.md", Assert.Single(store.Skipped).Path);
    }

    [Fact]
    public void Create_refuses_a_bad_id_a_duplicate_and_an_artifact_outside_the_tree()
    {
        using var store = Open();
        var run = store.Create(NewRun(0));
        Assert.Throws<ConflictException>(() => store.Create(run));
        Assert.Throws<InvalidInputException>(() => store.Create(NewRun(1) with { Id = "not-an-id" }));
        var error = Assert.Throws<InvalidInputException>(() => store.Create(NewRun(2) with
        {
            Artifacts = [new ArtifactEntry("../escape.bin", SampleRuns.Full().Artifacts[0].Key, 1)],
        }));
        Assert.Contains("../escape.bin", error.Message, StringComparison.Ordinal);
        Assert.Single(store.List());
    }

    private static SortedDictionary<string, double> Metric(string name, double value) => new(StringComparer.Ordinal) { [name] = value };
}
