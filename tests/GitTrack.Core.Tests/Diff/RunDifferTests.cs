using GitTrack.Core.Diff;
using GitTrack.Core.Runs;
using GitTrack.Core.Tests.Checkout;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Diff;

public sealed class RunDifferTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly RecordedRuns _runs;

    public RunDifferTests()
    {
        _runs = new RecordedRuns(_repo);
        _repo.WriteFile(".gitignore", "models/\n");
        _repo.WriteFile("train.py", "lr = 0.1\nepochs = 3\n");
        _repo.WriteFile("data.txt", "one\ntwo\n");
        _repo.Commit("code");
    }

    public void Dispose() => _repo.Dispose();

    private static SortedDictionary<string, T> Sorted<T>(params (string Key, T Value)[] items)
    {
        var result = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
            result[key] = value;
        return result;
    }

    [Fact]
    public void Diff_reports_params_added_removed_changed_and_metrics_with_direction()
    {
        var a = _runs.Record("a", shape: r => r with
        {
            Params = Sorted<object>(("lr", 0.1), ("epochs", 3L), ("momentum", 0.9)),
            Metrics = Sorted(("val_loss", 0.5), ("accuracy", 0.8), ("throughput", 100.0), ("gone", 1.0)),
            Tags = Sorted(("team", "vision")),
        });
        var b = _runs.Record("b", shape: r => r with
        {
            Params = Sorted<object>(("lr", 0.01), ("epochs", 3L), ("dropout", 0.2)),
            Metrics = Sorted(("val_loss", 0.25), ("accuracy", 0.7), ("throughput", 120.0), ("new", 2.0)),
            Tags = Sorted(("team", "vision")),
            Status = RunStatus.Failed,
            ExitCode = 1,
        });

        var diff = RunDiffer.Compare(_runs.Directories, a, b);

        Assert.Equal(
            ["dropout added", "epochs same", "lr changed", "momentum removed"],
            diff.Params.Select(p => $"{p.Name} {p.Kind.ToString().ToLowerInvariant()}"));
        var lr = diff.Params.Single(p => p.Name == "lr");
        Assert.Equal((0.1, 0.01), ((double)lr.Old!, (double)lr.New!));
        var loss = diff.Metrics.Single(m => m.Name == "val_loss");
        Assert.Equal(MetricDirection.Min, loss.Direction);
        Assert.Equal(-0.25, loss.Absolute);
        Assert.Equal(-0.5, loss.Relative);
        Assert.Equal(MetricVerdict.Better, loss.Verdict);
        Assert.Equal(MetricVerdict.Worse, diff.Metrics.Single(m => m.Name == "accuracy").Verdict);
        Assert.Equal(MetricVerdict.Unknown, diff.Metrics.Single(m => m.Name == "throughput").Verdict);
        Assert.Equal(ChangeKind.Removed, diff.Metrics.Single(m => m.Name == "gone").Kind);
        Assert.Equal(ChangeKind.Added, diff.Metrics.Single(m => m.Name == "new").Kind);
        Assert.Equal(ChangeKind.Same, diff.Tags.Single().Kind);
        Assert.Equal(("completed", "failed"), ((string)diff.Fields.Single(f => f.Name == "status").Old!, (string)diff.Fields.Single(f => f.Name == "status").New!));
        Assert.Equal(ChangeKind.Changed, diff.Fields.Single(f => f.Name == "exit_code").Kind);
        Assert.True(diff.SameCode);
    }

    [Fact]
    public void Direction_comes_from_a_tag_then_git_config_then_the_name()
    {
        _repo.Git("config", "gittrack.direction.throughput", "max");
        _repo.Git("config", "gittrack.direction.accuracy", "min");
        var a = _runs.Record("a", shape: r => r with { Metrics = Sorted(("throughput", 1.0), ("accuracy", 1.0), ("val/loss", 1.0), ("steps", 1.0)) });
        var b = _runs.Record("b", shape: r => r with
        {
            Metrics = Sorted(("throughput", 2.0), ("accuracy", 2.0), ("val/loss", 2.0), ("steps", 2.0)),
            Tags = Sorted(("direction.val/loss", "max")),
        });

        var diff = RunDiffer.Compare(_runs.Directories, a, b);
        MetricDirection Of(string name) => diff.Metrics.Single(m => m.Name == name).Direction;

        Assert.Equal(MetricDirection.Max, Of("throughput"));
        Assert.Equal(MetricDirection.Min, Of("accuracy"));
        Assert.Equal(MetricDirection.Max, Of("val/loss"));
        Assert.Equal(MetricDirection.Unknown, Of("steps"));
    }

    [Theory]
    [InlineData("loss", MetricDirection.Min)]
    [InlineData("val_loss", MetricDirection.Min)]
    [InlineData("trainLoss", MetricDirection.Min)]
    [InlineData("eval/rmse", MetricDirection.Min)]
    [InlineData("epoch_time", MetricDirection.Min)]
    [InlineData("top1_acc", MetricDirection.Max)]
    [InlineData("val/accuracy", MetricDirection.Max)]
    [InlineData("f1", MetricDirection.Max)]
    [InlineData("roc_auc", MetricDirection.Max)]
    [InlineData("lr", MetricDirection.Unknown)]
    [InlineData("accumulated_steps", MetricDirection.Unknown)]
    [InlineData("loss_score", MetricDirection.Unknown)]
    public void Direction_from_the_name(string name, MetricDirection expected) =>
        Assert.Equal(expected, MetricDirections.FromName(name));

    [Fact]
    public void Artifacts_are_same_changed_added_or_removed_by_key()
    {
        _repo.WriteFile("models/same.bin", RecordedRuns.RandomBytes(100, 1));
        _repo.WriteFile("models/changed.bin", RecordedRuns.RandomBytes(100, 2));
        _repo.WriteFile("models/removed.bin", RecordedRuns.RandomBytes(10, 3));
        var a = _runs.Record("a", ["models"]);
        _repo.WriteFile("models/changed.bin", RecordedRuns.RandomBytes(200, 4));
        File.Delete(_repo.PathOf("models/removed.bin"));
        _repo.WriteFile("models/added.bin", RecordedRuns.RandomBytes(10, 5));
        var b = _runs.Record("b", ["models"]);

        var diff = RunDiffer.Compare(_runs.Directories, a, b);

        Assert.Equal(
            ["models/added.bin added", "models/changed.bin changed", "models/removed.bin removed", "models/same.bin same"],
            diff.Artifacts.Select(x => $"{x.Path} {x.Kind.ToString().ToLowerInvariant()}"));
        var changed = diff.Artifacts.Single(x => x.Kind == ChangeKind.Changed);
        Assert.Equal((100L, 200L), (changed.Old!.Size, changed.New!.Size));
    }

    [Fact]
    public void Code_diff_is_gits_own_output_for_the_two_snapshots_renames_and_uncommitted_changes_included()
    {
        var a = _runs.Record("a");
        _repo.WriteFile("train.py", "lr = 0.01\nepochs = 3\n");
        File.Move(_repo.PathOf("data.txt"), _repo.PathOf("renamed.txt"));
        _repo.WriteFile("new.py", "print('new')\n");
        _repo.Git("add", "-A");
        _repo.Git("commit", "-q", "-m", "second");
        _repo.WriteFile("uncommitted.py", "x = 1\n");
        var b = _runs.Record("b");

        var stat = CodeDiff.Stat(_runs.Directories, a.Source.Tree, b.Source.Tree, color: false);
        var patch = CodeDiff.Patch(_runs.Directories, a.Source.Tree, b.Source.Tree, color: false);
        var files = CodeDiff.Files(_runs.Directories, a.Source.Tree, b.Source.Tree);

        Assert.Equal(_repo.Git("diff", "--stat", a.Source.Tree, b.Source.Tree), stat);
        Assert.Equal(_repo.Git("diff", a.Source.Tree, b.Source.Tree), patch);
        Assert.Contains("-lr = 0.1\n+lr = 0.01\n", patch, StringComparison.Ordinal);
        Assert.Contains(files, f => f is { Status: "R", Path: "renamed.txt", OldPath: "data.txt" });
        Assert.Contains(files, f => f is { Status: "A", Path: "uncommitted.py" });
        Assert.Contains(files, f => f is { Status: "M", Path: "train.py" });
        Assert.Equal("", CodeDiff.Stat(_runs.Directories, a.Source.Tree, a.Source.Tree, color: false));
    }
}
