using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack import mlflow</c>: real stores, each MLflow layout, re-imports, and hostile stores.</summary>
public sealed class MlflowImportTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly string _stores = Path.Combine(Path.GetTempPath(), "gittrack-tests", "mlruns-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        _repo.Dispose();
        try { Directory.Delete(_stores, recursive: true); } catch (IOException) { }
    }

    private JsonElement Import(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, ["import", "mlflow", .. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    private JsonElement RunJson(string id)
    {
        var show = GitTrackProcess.Run(_repo, "show", id, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        using var doc = JsonDocument.Parse(show.Stdout);
        return doc.RootElement.Clone();
    }

    private static string IdOf(JsonElement summary, string mlflowId) =>
        summary.GetProperty("runs").EnumerateArray().First(r => r.GetProperty("mlflow_run_id").GetString() == mlflowId).GetProperty("id").GetString()!;

    [Theory]
    [InlineData("packt-trash-nested")]
    [InlineData("future158-gnn-mit")]
    public void Importing_a_real_store_imports_what_its_files_hold_and_a_second_import_changes_nothing(string name)
    {
        var store = MlflowStores.Shared(name);
        var expected = MlflowStores.Count(store);
        var summary = Import(store);
        Assert.Equal(expected.Experiments, summary.GetProperty("experiments").GetInt32());
        Assert.Equal(expected.Runs, summary.GetProperty("imported").GetInt32());
        Assert.Equal(expected.Params, summary.GetProperty("params").GetInt32());
        Assert.Equal(expected.MetricPoints, summary.GetProperty("metric_points").GetInt64());
        Assert.Equal(expected.Artifacts, summary.GetProperty("artifacts").GetInt32());
        // Folders that are not runs are reported, with why, and nothing else is skipped in these stores.
        Assert.Equal(expected.NotRuns, summary.GetProperty("skipped").GetArrayLength());
        Assert.All(summary.GetProperty("skipped").EnumerateArray(), s => Assert.Contains("no meta.yaml", s.GetProperty("reason").GetString()));
        Assert.Equal(expected.Runs, RunsOnBranch.Ids(_repo).Count);

        var tip = _repo.Git("rev-parse", "gittrack/runs").Trim();
        var again = Import(store);
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(expected.Runs, again.GetProperty("already_imported").GetInt32());
        Assert.Equal(tip, _repo.Git("rev-parse", "gittrack/runs").Trim());
    }

    [Fact]
    public void The_packt_store_keeps_nesting_hides_trashed_runs_and_fails_the_run_left_running()
    {
        var store = MlflowStores.Shared("packt-trash-nested");
        var summary = Import(store);
        Assert.Equal(6, summary.GetProperty("nested").GetInt32());
        var all = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--all", "--json").Stdout).RootElement;
        var listed = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--json").Stdout).RootElement;
        // Runs of experiments under .trash (whatever their meta.yaml says) and soft-deleted runs are hidden, not lost.
        Assert.Equal(19, all.GetArrayLength());
        Assert.Equal(19 - summary.GetProperty("hidden").GetInt32(), listed.GetArrayLength());
        Assert.True(summary.GetProperty("hidden").GetInt32() > 0);
        foreach (var child in all.EnumerateArray().Where(r => r.GetProperty("parent").ValueKind == JsonValueKind.String))
        {
            var parent = all.EnumerateArray().Single(r => r.GetProperty("id").GetString() == child.GetProperty("parent").GetString());
            Assert.Equal("PARENT_RUN", parent.GetProperty("name").GetString());
        }
        // The one run MLflow left RUNNING with end_time null: failed, with the rule's error, ended at its last point.
        var running = Directory.GetFiles(store, "meta.yaml", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f).Contains("end_time: null"));
        var runningId = Path.GetFileName(Path.GetDirectoryName(running)!);
        var record = RunJson(IdOf(summary, runningId));
        Assert.Equal("failed", record.GetProperty("status").GetString());
        Assert.Contains("never ended", record.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_field_of_each_MLflow_layout_is_imported(int version)
    {
        var head = _repo.Git("rev-parse", "HEAD").Trim();
        var writer = new MlflowStores.Writer(Path.Combine(_stores, $"v{version}"), version);
        var experiment = writer.Experiment("1", "vision");
        var parentId = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
        var childId = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
        writer.Run(experiment, parentId, "parent", status: 3, start: 1700000000000, end: 1700000060000,
            parameters: new Dictionary<string, string> { ["lr"] = "0.01", ["layers"] = "4", ["wd"] = "1e-05", ["ratio"] = "1.10", ["amp"] = "True", ["opt/name"] = "adam", ["seed"] = "007" },
            tags: new Dictionary<string, string> { ["mlflow.note.content"] = "a note", ["mlflow.source.git.commit"] = head, ["team"] = "cv" },
            metrics: new Dictionary<string, (long, string, long)[]>
            {
                ["loss"] = [(1700000001000, "0.9", 0), (1700000002000, "0.5", 1), (1700000003000, "nan", 2)],
                ["val/acc"] = [(1700000004000, "1", 5)],
            },
            artifacts: new Dictionary<string, string> { ["model/MLmodel"] = "flavors: {}\n", ["test.txt"] = "hello" });
        writer.Run(experiment, childId, "child", status: 4, start: 1700000010000, end: 1700000020000,
            tags: new Dictionary<string, string> { ["mlflow.parentRunId"] = parentId });

        var summary = Import(writer.Root);
        Assert.Equal(2, summary.GetProperty("imported").GetInt32());
        Assert.Equal(0, summary.GetProperty("skipped").GetArrayLength());
        var parent = IdOf(summary, parentId);
        var manifest = RunsOnBranch.Manifest(_repo, parent);
        Assert.Equal("parent", manifest.GetProperty("name").GetString());
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.StartsWith("2023-11-14T22:13:20", manifest.GetProperty("started_at").GetString());
        Assert.StartsWith("2023-11-14T22:14:20", manifest.GetProperty("ended_at").GetString());
        Assert.Equal("a note", manifest.GetProperty("note").GetString());
        // Params typed by the documented rule: what Python's str() prints for an int, float or bool; the rest strings.
        var types = manifest.GetProperty("param_types");
        Assert.Equal("float", types.GetProperty("lr").GetString());
        Assert.Equal("int", types.GetProperty("layers").GetString());
        Assert.Equal("float", types.GetProperty("wd").GetString());
        Assert.Equal("bool", types.GetProperty("amp").GetString());
        Assert.Equal("str", types.GetProperty("ratio").GetString());
        Assert.Equal("str", types.GetProperty("seed").GetString());
        Assert.Equal("1.10", manifest.GetProperty("params").GetProperty("ratio").GetString());
        Assert.Equal("adam", manifest.GetProperty("params").GetProperty("opt/name").GetString());
        var tags = manifest.GetProperty("tags");
        Assert.Equal("vision", tags.GetProperty("mlflow.experimentName").GetString());
        Assert.Equal("someone", tags.GetProperty("mlflow.user").GetString());
        Assert.Equal("cv", tags.GetProperty("team").GetString());
        // The source commit is this repository's HEAD: its tree is the run's code.
        Assert.Equal(head, manifest.GetProperty("source").GetProperty("commit").GetString());
        Assert.Equal(_repo.Git("rev-parse", "HEAD^{tree}").Trim(), manifest.GetProperty("source").GetProperty("tree").GetString());
        Assert.Equal("mlflow", manifest.GetProperty("origin").GetProperty("source").GetString());
        Assert.Equal(parentId, manifest.GetProperty("origin").GetProperty("id").GetString());
        // MLflow's latest value: the greatest step.
        Assert.Equal("nan", manifest.GetProperty("metrics").GetProperty("loss").GetString());
        var history = RunsOnBranch.History(_repo, parent);
        Assert.Equal([0L, 1L, 2L], history.Where(p => p.Name == "loss").Select(p => p.Step!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000002000), history.Where(p => p.Name == "loss").ElementAt(1).Timestamp);
        Assert.Equal(5L, history.Single(p => p.Name == "val/acc").Step);
        // Every artifact, by its path inside the run's artifacts folder, its content in the cache.
        var artifacts = manifest.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("path").GetString()!, a => a.GetProperty("blake3").GetString()!);
        Assert.Equal(["model/MLmodel", "test.txt"], artifacts.Keys.Order());
        Assert.Equal("hello", RunsOnBranch.CacheCat(_repo, artifacts["test.txt"]));

        var child = RunsOnBranch.Manifest(_repo, IdOf(summary, childId));
        Assert.Equal(parent, child.GetProperty("parent").GetString());
        Assert.Equal("failed", child.GetProperty("status").GetString());
    }

    [Fact]
    public void A_store_that_gained_runs_imports_only_those()
    {
        var writer = new MlflowStores.Writer(Path.Combine(_stores, "growing"), 2);
        var experiment = writer.Experiment("0", "Default");
        writer.Run(experiment, "0123456789abcdef0123456789abcde1", "first", 3, 1700000000000, 1700000001000);
        Assert.Equal(1, Import(writer.Root).GetProperty("imported").GetInt32());
        writer.Run(experiment, "0123456789abcdef0123456789abcde2", "second", 3, 1700000100000, 1700000101000);
        var second = Import(writer.Root);
        Assert.Equal(1, second.GetProperty("imported").GetInt32());
        Assert.Equal(1, second.GetProperty("already_imported").GetInt32());
        Assert.Equal("second", second.GetProperty("runs")[0].GetProperty("name").GetString());
        Assert.Equal(2, RunsOnBranch.Ids(_repo).Count);
    }

    [Fact]
    public void Deleted_runs_are_imported_hidden_or_left_out_with_skip_deleted()
    {
        var writer = new MlflowStores.Writer(Path.Combine(_stores, "deleted"), 2);
        var live = writer.Experiment("1", "live");
        var trashed = writer.Experiment("2", "old", inTrash: true);
        writer.Run(live, "c0000000000000000000000000000001", "kept", 3, 1700000000000, 1700000001000);
        writer.Run(live, "c0000000000000000000000000000002", "soft-deleted", 3, 1700000000000, 1700000001000, stage: "deleted");
        writer.Run(trashed, "c0000000000000000000000000000003", "in-trash", 3, 1700000000000, 1700000001000);

        var skipping = Import(writer.Root, "--skip-deleted");
        Assert.Equal(1, skipping.GetProperty("imported").GetInt32());
        Assert.Equal(2, skipping.GetProperty("skipped_deleted").GetInt32());

        var rest = Import(writer.Root);
        Assert.Equal(2, rest.GetProperty("hidden").GetInt32());
        var listed = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--json").Stdout).RootElement;
        Assert.Equal(["kept"], listed.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var all = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--all", "--json").Stdout).RootElement;
        Assert.Equal(3, all.GetArrayLength());
    }

    [Fact]
    public void Dry_run_and_experiment_filter_write_only_what_they_say()
    {
        var writer = new MlflowStores.Writer(Path.Combine(_stores, "filter"), 1);
        var a = writer.Experiment("1", "alpha");
        var b = writer.Experiment("2", "beta");
        writer.Run(a, "d0000000000000000000000000000001", "a1", 3, 1700000000000, 1700000001000, artifacts: new Dictionary<string, string> { ["m.bin"] = "x" });
        writer.Run(b, "d0000000000000000000000000000002", "b1", 3, 1700000000000, 1700000001000);

        var dry = Import(writer.Root, "--dry-run");
        Assert.True(dry.GetProperty("dry_run").GetBoolean());
        Assert.Equal(2, dry.GetProperty("imported").GetInt32());
        Assert.Empty(RunsOnBranch.Ids(_repo));
        var objects = Path.Combine(_repo.Root, ".git", "gittrack", "objects");
        Assert.False(Directory.Exists(objects) && Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).Any());

        var filtered = Import(writer.Root, "--experiment", "beta");
        Assert.Equal(1, filtered.GetProperty("experiments").GetInt32());
        Assert.Equal("b1", Assert.Single(filtered.GetProperty("runs").EnumerateArray()).GetProperty("name").GetString());
        var unknown = GitTrackProcess.Run(_repo, "import", "mlflow", writer.Root, "--experiment", "gamma");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no experiment named 'gamma'", unknown.Stderr);
    }

    [Fact]
    public void Bad_pieces_of_a_hostile_store_are_reported_and_skipped_and_nothing_outside_it_is_read()
    {
        var outside = Path.Combine(_stores, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "TOP-SECRET-CONTENT");
        var writer = new MlflowStores.Writer(Path.Combine(_stores, "hostile"), 2);
        var experiment = writer.Experiment("1", "exp");
        var good = writer.Run(experiment, "e0000000000000000000000000000001", "good", 3, 1700000000000, 1700000001000,
            parameters: new Dictionary<string, string> { ["ok"] = "1" },
            metrics: new Dictionary<string, (long, string, long)[]> { ["loss"] = [(1700000000500, "0.5", 0)] },
            artifacts: new Dictionary<string, string> { ["ok.txt"] = "fine" });
        // A metric line that does not parse, a line far too long, a huge param, a link out of the store, a FIFO.
        File.AppendAllText(Path.Combine(good, "metrics", "loss"), "garbage line\n" + new string('9', 10_000) + "\n1700000000600 0.25 1\n");
        File.WriteAllText(Path.Combine(good, "params", "huge"), new string('x', (1 << 20) + 10));
        File.CreateSymbolicLink(Path.Combine(good, "artifacts", "stolen.txt"), Path.Combine(outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(good, "tags", "stolen"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(good, "artifacts", "dir"), outside);
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [Path.Combine(good, "params", "fifo")], good).ExitCode);
        // A run folder that is a link out of the store, a malformed meta.yaml, a run of the wrong experiment, a stray folder.
        Directory.CreateSymbolicLink(Path.Combine(experiment, "f0000000000000000000000000000009"), outside);
        var broken = Path.Combine(experiment, "e0000000000000000000000000000002");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "meta.yaml"), "run_id: [unclosed\n  : :\n");
        writer.Run(experiment, "e0000000000000000000000000000003", "wrong", 3, 1700000000000, 1700000001000);
        File.WriteAllText(Path.Combine(experiment, "e0000000000000000000000000000003", "meta.yaml"),
            File.ReadAllText(Path.Combine(experiment, "e0000000000000000000000000000003", "meta.yaml")).Replace("experiment_id: '1'", "experiment_id: '7'"));
        Directory.CreateDirectory(Path.Combine(experiment, ".ipynb_checkpoints"));

        var summary = Import(writer.Root);
        Assert.Equal(1, summary.GetProperty("imported").GetInt32());
        var skipped = summary.GetProperty("skipped").EnumerateArray()
            .Select(s => $"{s.GetProperty("path").GetString()}: {s.GetProperty("reason").GetString()}").ToList();
        string Skip(string path) => Assert.Single(skipped, s => s.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains("line 2: not 'timestamp value step'", string.Join('\n', skipped.Where(s => s.StartsWith("1/e0000000000000000000000000000001/metrics/loss", StringComparison.Ordinal))));
        Assert.Contains("line 3: longer than", string.Join('\n', skipped));
        Assert.Contains("larger than", Skip("1/e0000000000000000000000000000001/params/huge"));
        Assert.Contains("symbolic link", Skip("1/e0000000000000000000000000000001/artifacts/stolen.txt"));
        Assert.Contains("symbolic link", Skip("1/e0000000000000000000000000000001/artifacts/dir"));
        Assert.Contains("symbolic link", Skip("1/e0000000000000000000000000000001/tags/stolen"));
        Assert.Contains("not a regular file", Skip("1/e0000000000000000000000000000001/params/fifo"));
        Assert.Contains("symbolic link", Skip("1/f0000000000000000000000000000009"));
        Assert.Contains("not valid YAML", Skip("1/e0000000000000000000000000000002/meta.yaml"));
        Assert.Contains("experiment_id '7'", Skip("1/e0000000000000000000000000000003"));
        Assert.Contains("no meta.yaml", Skip("1/.ipynb_checkpoints"));

        var id = IdOf(summary, "e0000000000000000000000000000001");
        var manifest = RunsOnBranch.Manifest(_repo, id);
        Assert.Equal(["ok.txt"], manifest.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()));
        Assert.Equal([0.5, 0.25], RunsOnBranch.History(_repo, id).Select(p => p.Value));
        Assert.False(manifest.GetProperty("params").TryGetProperty("huge", out _));
        // Nothing from outside the store reached the branch or the cache.
        Assert.DoesNotContain(RunsOnBranch.AllBlobs(_repo), b => b.Content.Contains("TOP-SECRET-CONTENT", StringComparison.Ordinal));
        foreach (var line in GitTrackProcess.Run(_repo, "cache", "verify").Stdout.Split('\n'))
            Assert.DoesNotContain("secret", line);
    }

    [Fact]
    public void The_human_summary_names_counts_and_each_skipped_piece()
    {
        var store = MlflowStores.Shared("packt-trash-nested");
        var result = GitTrackProcess.Run(_repo, "import", "mlflow", store);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("imported 19 runs (6 nested", result.Stdout);
        Assert.Contains("from 7 experiments", result.Stdout);
        Assert.Contains(".trash/5/.ipynb_checkpoints: not a run (no meta.yaml)", result.Stdout);
        var missing = GitTrackProcess.Run(_repo, "import", "mlflow", Path.Combine(_stores, "nothing-here"));
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("gittrack: no such folder", missing.Stderr);
    }
}
