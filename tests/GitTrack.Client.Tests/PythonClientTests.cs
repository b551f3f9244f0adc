using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Client.Tests;

/// <summary>The Python client (src/clients/python/gittrack.py) run by the machine's python3 under the real <c>gittrack run</c>.</summary>
public sealed class PythonClientTests
{
    private const string LoggingScript = """
        import math, gittrack

        class FakeScalar:
            # what numpy scalars and 0-d arrays look like to the client: .item(), .ndim == 0
            ndim = 0
            size = 1
            def __init__(self, v): self.v = v
            def item(self): return self.v

        class FakeVector:
            ndim = 1
            size = 3
            def item(self): raise ValueError("only one element tensors can be converted")

        p = gittrack.params()
        gittrack.log_param("batch", 64)
        gittrack.log_params({"optimizer": "sgd", "momentum": 0.9, "nesterov": True})
        for step in range(1000):
            gittrack.log_metric("loss", 1.0 / (step + 1), step=step)
        gittrack.log_metrics({"acc": FakeScalar(0.75), "count": FakeScalar(7), "flag": True}, step=1000)
        gittrack.log_metric("nan", float("nan"))
        gittrack.log_metric("inf", math.inf)
        gittrack.log_metric("ninf", -math.inf)
        gittrack.set_tag("stage", "baseline")
        with open("model.txt", "w") as f:
            f.write("weights")
        gittrack.log_artifact("model.txt")
        for bad in ("0.5", FakeVector(), None):
            try:
                gittrack.log_metric("val_loss", bad)
            except TypeError as e:
                print("TypeError:", e)
        print("lr from run:", p["lr"], type(p["lr"]).__name__, "run:", gittrack.run_id())
        """;

    [SkippableFact]
    public void Metrics_params_tags_and_artifacts_arrive_in_the_run()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo(LoggingScript);
        var result = ClientFixture.RunTracked(repo, ["--param", "lr=0.01"], "python3", "script.py");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Contains($"lr from run: 0.01 float run: {run.Id}", result.Stdout);
        Assert.Equal(1000, history.Count(p => p.Name == "loss"));
        Assert.Equal(1.0 / 1000, run.Metrics["loss"]);
        Assert.Equal(0.75, run.Metrics["acc"]);
        Assert.Equal(7.0, run.Metrics["count"]);
        Assert.Equal(1.0, run.Metrics["flag"]);
        Assert.True(double.IsNaN(run.Metrics["nan"]));
        Assert.Equal(double.PositiveInfinity, run.Metrics["inf"]);
        Assert.Equal(double.NegativeInfinity, run.Metrics["ninf"]);
        Assert.Equal(64L, run.Params["batch"]);
        Assert.Equal("sgd", run.Params["optimizer"]);
        Assert.Equal(0.9, run.Params["momentum"]);
        Assert.Equal(true, run.Params["nesterov"]);
        Assert.Equal("baseline", run.Tags["stage"]);
        Assert.Contains(run.Artifacts, a => a.Path == "model.txt" && a.Size == "weights".Length);
        Assert.DoesNotContain("val_loss", run.Metrics.Keys);
    }

    [SkippableFact]
    public void A_value_of_the_wrong_type_is_a_TypeError_naming_the_metric()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo(LoggingScript);
        var result = ClientFixture.RunTracked(repo, ["--param", "lr=0.01"], "python3", "script.py");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var errors = result.Stdout.Split('\n').Where(l => l.StartsWith("TypeError:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("metric 'val_loss' must be a number", e));
        Assert.Contains("got str", errors[0]);
        Assert.Contains("got FakeVector", errors[1]);
        Assert.Contains("got NoneType", errors[2]);
    }

    [SkippableFact]
    public void An_uncaught_exception_is_the_failed_runs_error()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo("""
            import gittrack
            gittrack.log_metric("loss", 3.0, step=1)
            raise RuntimeError("loss is NaN at step 2")
            """);
        var result = ClientFixture.RunTracked(repo, [], "python3", "script.py");
        Assert.Equal(1, result.ExitCode);

        var (run, history) = ClientFixture.SingleRun(repo);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("RuntimeError: loss is NaN at step 2", run.Error);
        Assert.Single(history);
        Assert.Contains("Traceback", result.Stderr);
    }

    [SkippableFact]
    public void Outside_gittrack_each_call_is_a_no_op_with_exactly_one_warning()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo("""
            import gittrack
            gittrack.log_metric("loss", 1.0, step=1)
            gittrack.log_metrics({"a": 1.0})
            gittrack.log_param("lr", 0.1)
            gittrack.log_params({"b": 2})
            gittrack.set_tag("t", "v")
            gittrack.log_artifact("script.py")
            gittrack.flush()
            print("params", gittrack.params(), "run", gittrack.run_id(), "tracked", gittrack.is_tracked())
            """);
        var result = ProcessRunner.Run("python3", ["script.py"], repo.Root, ClientFixture.Environment(repo));
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.Contains("params {} run None tracked False", result.Stdout);
        var warning = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not being tracked", warning);
        Assert.Contains("gittrack run -- python script.py", warning);
    }

    [SkippableFact]
    public void A_float_param_stays_a_float_and_defaults_read_with_get_are_recorded()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo("""
            import gittrack
            p = gittrack.params()
            print("x", repr(p["x"]), "n", repr(p["n"]))
            epochs = p.get("epochs", 30)
            lr = p.get("lr", 0.1)
            ratio = p.get("ratio", 1.0)
            missing = p.get("missing")
            layers = p.get("layers", [64, 32])
            gittrack.log_param("whole", 2.0)
            print("got", epochs, lr, ratio, missing, layers)
            """);
        var result = ClientFixture.RunTracked(repo, ["-p", "x=1.0", "-p", "n=1", "-p", "lr=0.5"], "python3", "script.py");
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.Contains("x 1.0 n 1", result.Stdout);
        Assert.Contains("got 30 0.5 1.0 None [64, 32]", result.Stdout);
        var (run, _) = ClientFixture.SingleRun(repo);
        Assert.Equal(30L, run.Params["epochs"]);
        Assert.Equal(0.5, run.Params["lr"]);
        Assert.IsType<double>(run.Params["ratio"]);
        Assert.IsType<double>(run.Params["x"]);
        Assert.IsType<double>(run.Params["whole"]);
        Assert.False(run.Params.ContainsKey("missing"));
        Assert.False(run.Params.ContainsKey("layers"));
    }

    [SkippableFact]
    public void Threads_logging_at_once_lose_no_point()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        // A tracer that gives the GIL away at every line of log_metric makes the threads interleave at every point
        // where a preemptive scheduler (free-threaded Python, or a switch at any bytecode) could; small buffers make
        // the flushes frequent. Every point must still reach the branch.
        using var repo = PythonRepo("""
            import sys, threading, time, gittrack
            gittrack._FLUSH_LINES = 4
            sys.setswitchinterval(1e-5)
            module = vars(gittrack)
            def tracer(frame, event, arg):
                if frame.f_globals is not module:
                    return None
                if event == "line" and frame.f_code.co_name == "log_metric":
                    time.sleep(0)
                return tracer
            def work(t):
                name = f"t{t}"
                for i in range(1500):
                    gittrack.log_metric(name, float(i), step=i)
            threading.settrace(tracer)
            threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
            for th in threads: th.start()
            for th in threads: th.join()
            threading.settrace(None)
            """);
        var result = ClientFixture.RunTracked(repo, [], "python3", "script.py");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var (run, history) = ClientFixture.SingleRun(repo);
        for (var t = 0; t < 4; t++)
        {
            var steps = history.Where(p => p.Name == $"t{t}").Select(p => p.Step!.Value).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 1500).Select(i => (long)i), steps);
        }
        Assert.Equal(6000, history.Count);
    }

    [SkippableFact]
    public void A_step_that_is_not_an_integer_is_refused_with_a_clear_error()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        using var repo = PythonRepo("""
            import gittrack
            class FakeInt:
                # what numpy integers look like to the client: __index__
                def __index__(self): return 7
            for bad in (3.7, True, "3", float("nan"), [1]):
                try:
                    gittrack.log_metric("loss", 1.0, step=bad)
                    print("accepted", repr(bad))
                except TypeError as e:
                    print("TypeError:", e)
            gittrack.log_metric("loss", 0.5, step=3.0)
            gittrack.log_metric("loss", 0.25, step=FakeInt())
            gittrack.log_metrics({"acc": 0.9}, step=4)
            try:
                gittrack.log_metrics({"acc": 0.8}, step=4.5)
            except TypeError as e:
                print("TypeError:", e)
            """);
        var result = ClientFixture.RunTracked(repo, [], "python3", "script.py");
        Assert.True(result.ExitCode == 0, result.Stderr);

        Assert.DoesNotContain("accepted", result.Stdout);
        var errors = result.Stdout.Split('\n').Where(l => l.StartsWith("TypeError:", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, errors.Count);
        Assert.All(errors, e => Assert.Contains("step must be an integer", e));
        Assert.Contains("got 3.7", errors[0]);
        Assert.Contains("got True", errors[1]);
        var (_, history) = ClientFixture.SingleRun(repo);
        Assert.Equal([(long?)3, 7], history.Where(p => p.Name == "loss").Select(p => p.Step));
        Assert.Equal([(long?)4], history.Where(p => p.Name == "acc").Select(p => p.Step));
    }

    [SkippableFact]
    public void Pip_installs_the_client_from_its_folder_and_it_imports()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        var pip = ProcessRunner.Run("python3", ["-m", "pip", "--version"], Path.GetTempPath());
        Requirement.That(pip.ExitCode == 0, "pip is not installed");

        using var repo = new TempGitRepo();
        var target = repo.PathOf("site");
        // A copy of the source folder, so that nothing pip may leave beside the sources lands in the checkout.
        var source = repo.PathOf("client");
        Directory.CreateDirectory(source);
        foreach (var file in new[] { "gittrack.py", "gittrack_build.py", "pyproject.toml", "README.md" })
            File.Copy(Path.Combine(ClientFixture.SourceRoot, "src", "clients", "python", file), Path.Combine(source, file));

        var install = ProcessRunner.Run("python3",
            ["-m", "pip", "install", "--no-build-isolation", "--no-index", "--quiet", "--target", target, source],
            repo.Root, ClientFixture.Environment(repo), timeout: TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

        var environment = ClientFixture.Environment(repo);
        environment["PYTHONPATH"] = target;
        var import = ProcessRunner.Run("python3", ["-c", "import gittrack; print(gittrack.__version__, gittrack.__file__)"],
            repo.Root, environment);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("0.1.0", import.Stdout);
        Assert.Contains(target, import.Stdout);
    }

    private static TempGitRepo PythonRepo(string script)
    {
        var repo = new TempGitRepo();
        File.Copy(Path.Combine(ClientFixture.SourceRoot, "src", "clients", "python", "gittrack.py"), repo.PathOf("gittrack.py"));
        repo.WriteFile("script.py", script + "\n");
        repo.Commit("add script");
        return repo;
    }
}
