using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Client.Tests;

/// <summary>The .NET client's <c>Run.Current</c> in a program run by the real <c>gittrack run</c>.</summary>
public sealed class DotnetClientTests
{
    [Fact]
    public void Nothing_logged_is_lost_at_a_normal_end()
    {
        using var repo = new TempGitRepo();
        // 200,000 points: several buffer flushes, the last ones only at process exit.
        var result = ClientFixture.RunProbeTracked(repo, [], "many", "200000");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal(RunStatus.Completed, run.Status);
        var loss = history.Where(p => p.Name == "loss").ToList();
        Assert.Equal(200_000, loss.Count);
        Assert.Equal(Enumerable.Range(0, 200_000).Select(i => (long?)i), loss.Select(p => p.Step));
        Assert.Equal(1.0 / 200_000, run.Metrics["loss"]);
        Assert.True(double.IsNaN(run.Metrics["nan"]));
        Assert.Equal(double.PositiveInfinity, run.Metrics["inf"]);
        Assert.Equal(200_000L, run.Params["count"]);
        Assert.Equal("probe", run.Tags["stage"]);
        Assert.Contains(run.Artifacts, a => a.Path == "model.bin" && a.Size == "weights".Length);
    }

    [Fact]
    public void An_unhandled_exception_fails_the_run_with_its_message()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, [], "throw");
        Assert.NotEqual(0, result.ExitCode);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("diverged at epoch 3", run.Error);
        Assert.Single(history, p => p.Name == "loss" && p.Value == 0.5);
    }

    [Fact]
    public void Params_are_read_from_the_run_with_their_types()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo,
            ["--param", "lr=0.01", "--param", "hidden=16", "--param", "optimizer=adam", "--param", "shuffle=true"], "params");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("hidden=Int64:16", lines);
        Assert.Contains("lr=Double:0.01", lines);
        Assert.Contains("optimizer=String:adam", lines);
        Assert.Contains("shuffle=Boolean:True", lines);
        Assert.Contains("lr+1=1.01", lines);
    }

    [Fact]
    public void LogParams_records_an_anonymous_objects_properties_typed()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, [], "anonymous");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, _) = ClientFixture.SingleRun(repo);
        Assert.Equal(0.25, run.Params["lr"]);
        Assert.Equal(3L, run.Params["layers"]);
        Assert.Equal("adam", run.Params["optimizer"]);
        Assert.Equal(true, run.Params["bias"]);
        Assert.Equal(1.5, run.Params["ratio"]);
    }

    [Fact]
    public void A_float_param_stays_a_float_read_from_the_run_and_logged_to_it()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, ["--param", "x=1.0", "--param", "n=1", "--param", "bad=nan", "--param", "text='nan'"], "floats");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("x=Double:1", lines);
        Assert.Contains("n=Int64:1", lines);
        Assert.Contains("bad=Double:NaN", lines);
        Assert.Contains("text=String:nan", lines);
        var (run, _) = ClientFixture.SingleRun(repo);
        Assert.IsType<double>(run.Params["whole"]);
        Assert.Equal(2.0, run.Params["whole"]);
        Assert.True(run.Params["nan"] is double d && double.IsNaN(d), $"nan recorded as {run.Params["nan"].GetType().Name} {run.Params["nan"]}");
        Assert.Equal(double.NegativeInfinity, run.Params["ninf"]);
    }

    [Fact]
    public void GetParam_records_the_default_it_returns_unless_the_run_has_the_param()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, ["--param", "lr=0.5"], "defaults");
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.Contains("epochs=30 lr=0.5 ratio=1 name=resnet", result.Stdout);
        var (run, _) = ClientFixture.SingleRun(repo);
        Assert.Equal(30L, run.Params["epochs"]);
        Assert.Equal(0.5, run.Params["lr"]);
        Assert.IsType<double>(run.Params["ratio"]);
        Assert.Equal(1.0, run.Params["ratio"]);
        Assert.Equal("resnet", run.Params["name"]);
        Assert.False(run.Params.ContainsKey("layers")); // an array default is used but not a param
    }

    [Fact]
    public void LogInput_records_a_file_by_its_key_and_a_stored_folder()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbeTracked(repo, [], "input");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, _) = ClientFixture.SingleRun(repo);
        var file = Assert.Single(run.Inputs, i => i.Path == "data/train.csv");
        Assert.Equal(GitTrack.Core.Hashing.Blake3Hasher.Hash("x\n1\n"u8), file.Key);
        Assert.False(file.Stored);
        var folder = Assert.Single(run.Inputs, i => i.Path == "data/set");
        Assert.True(folder.IsFolder && folder.Stored);
        Assert.Equal(1, folder.Files);
        Assert.True(File.Exists(GitTrack.Core.Cache.ArtifactCache.Open(GitDirectories.Discover(repo.Root)).PathOf(folder.Key)));
    }

    [Fact]
    public void Outside_gittrack_calls_do_nothing_and_warn_once()
    {
        using var repo = new TempGitRepo();
        var result = ClientFixture.RunProbe(repo, "untracked");
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.Contains("tracked=False", result.Stdout);
        var warnings = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var warning = Assert.Single(warnings);
        Assert.Contains("not being tracked", warning);
        Assert.Contains("gittrack run -- dotnet", warning);
        Assert.Equal("", repo.Git("branch", "--list", "gittrack/runs").Trim());
    }
}
