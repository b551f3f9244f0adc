using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Client.Tests;

/// <summary><c>Run.Start</c>: a program that records itself, without <c>gittrack run</c>.</summary>
public sealed class RunStartTests
{
    [Fact]
    public void Start_in_process_records_params_tags_metrics_and_ends_completed_on_dispose()
    {
        using var repo = new TempGitRepo();
        repo.WriteFile("train.py", "print('the code snapshot holds this')\n");
        repo.Commit("add train.py");
        string id;
        using (var run = Run.StartIn(repo.Root, "in-process", new Dictionary<string, object> { ["lr"] = 0.5, ["epochs"] = 3 },
                   new Dictionary<string, string> { ["kind"] = "test" }))
        {
            id = run.Id!;
            Assert.True(run.IsTracked);
            Assert.Equal(3L, run.Params["epochs"]);
            Assert.Equal(0.5, run.GetParam("lr", 0.0));
            for (int i = 0; i < 50_000; i++)
                run.LogMetric("loss", i, step: i);
            run.SetTag("stage", "done");
        }

        using var store = ClientFixture.OpenStore(repo);
        var recorded = store.Get(id);
        Assert.Equal(RunStatus.Completed, recorded.Status);
        Assert.Equal("in-process", recorded.Name);
        Assert.Empty(recorded.Command);
        Assert.Null(recorded.Error);
        Assert.Equal(0.5, recorded.Params["lr"]);
        Assert.Equal(3L, recorded.Params["epochs"]);
        Assert.Equal("test", recorded.Tags["kind"]);
        Assert.Equal("done", recorded.Tags["stage"]);
        Assert.Equal(50_000, store.ReadHistory(id).Count);
        Assert.NotNull(recorded.EndedAt);
        // The code snapshot is a real commit of the work tree, readable with git.
        Assert.Contains("the code snapshot holds this", repo.Git("show", $"{recorded.Source.Tree}:train.py"));
    }

    [Fact]
    public void A_program_that_starts_a_run_and_returns_ends_it_completed()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbe(repo, "start", "standalone");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal("standalone", run.Name);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(1000, history.Count);
        Assert.Equal(0.5, run.Params["lr"]);
        Assert.Equal("in-process", run.Tags["kind"]);
        Assert.Null(run.Parent);
    }

    [Fact]
    public void An_unhandled_exception_ends_a_started_run_failed_with_its_message()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbe(repo, "start-throw");
        Assert.NotEqual(0, result.ExitCode);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("out of memory in layer 2", run.Error);
        Assert.Single(history, p => p.Name == "loss" && p.Value == 2.5);
    }

    [Fact]
    public void A_run_started_inside_a_tracked_process_records_it_as_parent()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, ["--name", "outer"], "start", "inner");
        Assert.True(result.ExitCode == 0, result.Stderr);

        using var store = ClientFixture.OpenStore(repo);
        var runs = store.List();
        var outer = store.Get(Assert.Single(runs, r => r.Name == "outer").Id);
        var inner = store.Get(Assert.Single(runs, r => r.Name == "inner").Id);
        Assert.Equal(outer.Id, inner.Parent);
        Assert.Equal(RunStatus.Completed, inner.Status);
        Assert.Equal(RunStatus.Completed, outer.Status);
    }

    [Fact]
    public void StartChild_records_the_parent_and_current_logs_to_the_child()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbe(repo, "start-child");
        Assert.True(result.ExitCode == 0, result.Stderr);

        using var store = ClientFixture.OpenStore(repo);
        var runs = store.List();
        var parent = store.Get(Assert.Single(runs, r => r.Name == "pipeline").Id);
        var child = store.Get(Assert.Single(runs, r => r.Name == "step-1").Id);
        Assert.Equal(parent.Id, child.Parent);
        Assert.Equal(5L, child.Params["k"]);
        Assert.Equal(1.0, child.Metrics["child_metric"]);
        Assert.Empty(parent.Metrics);
    }
}
