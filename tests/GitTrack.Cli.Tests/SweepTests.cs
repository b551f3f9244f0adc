using System.Globalization;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The real <c>gittrack sweep</c> process over real git repositories: trials are real <c>gittrack run</c> children of
/// a parent run, run in parallel, signalled, resumed; what they record is read back with <c>ls --json</c>, git and
/// Python's tomllib.
/// </summary>
public sealed class SweepTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private readonly TempGitRepo _repo = new();
    private readonly string _out;

    public SweepTests()
    {
        // Files the trials leave for the test, outside the work tree so the code snapshots stay the same.
        _out = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "out");
        Directory.CreateDirectory(_out);
        // One trial: loss = lr * depth (both read from GITTRACK_PARAMS, as a tracked command reads its params).
        _repo.WriteFile("trial.sh", """
            #!/bin/sh
            param() { sed -n "s/^ *\"$1\": *\([^,]*\),\{0,1\}\$/\1/p" "$GITTRACK_PARAMS"; }
            lr=$(param lr); depth=$(param depth)
            awk -v lr="$lr" -v d="${depth:-1}" 'BEGIN { printf "{\"type\":\"metric\",\"name\":\"loss\",\"value\":%.9g,\"step\":1}\n", lr * d }' >> "$GITTRACK_EVENTS"
            echo "trial lr=$lr depth=$depth"
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add trial.sh");
    }

    public void Dispose() => _repo.Dispose();

    private Dictionary<string, string> Env => new() { ["OUT"] = _out };

    private ProcessResult Sweep(params string[] args) =>
        ProcessRunner.Run(GitTrackProcess.CommandLine[0], [.. GitTrackProcess.CommandLine[1..], "sweep", .. args], _repo.Root,
            GitTrackProcess.Merge(_repo.Environment, Env), timeout: Patience);

    private List<JsonElement> Runs()
    {
        var ls = GitTrackProcess.Run(_repo, "ls", "--json", "--flat");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        using var doc = JsonDocument.Parse(ls.Stdout);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static string Tag(JsonElement run, string key) =>
        run.GetProperty("tags").TryGetProperty(key, out var value) ? value.GetString()! : "";

    private static List<JsonElement> TrialsOf(List<JsonElement> runs, JsonElement parent) =>
        [.. runs.Where(r => r.GetProperty("parent").ValueKind == JsonValueKind.String && r.GetProperty("parent").GetString() == parent.GetProperty("id").GetString())
            .OrderBy(r => r.GetProperty("name").GetString(), StringComparer.Ordinal)];

    private static JsonElement Named(List<JsonElement> runs, string name) => Assert.Single(runs, r => r.GetProperty("name").GetString() == name);

    [Fact]
    public void A_grid_sweep_runs_one_trial_per_point_under_a_parent_that_records_the_best()
    {
        var result = Sweep("-p", "lr=0.1,0.3", "-p", "depth=1..3:2", "--", "sh", "trial.sh");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = Runs();
        Assert.Equal(5, runs.Count);
        var parent = Named(runs, "sweep_001");
        Assert.Equal("completed", parent.GetProperty("status").GetString());
        // The parent's params are the spaces as written; its tags say how the trials were made and how they went.
        Assert.Equal("0.1,0.3", parent.GetProperty("params").GetProperty("lr").GetString());
        Assert.Equal("1..3:2", parent.GetProperty("params").GetProperty("depth").GetString());
        Assert.Equal("grid", Tag(parent, "sweep.mode"));
        Assert.Equal("4", Tag(parent, "sweep.trials"));
        Assert.Equal("4", Tag(parent, "sweep.completed"));
        Assert.Equal("0", Tag(parent, "sweep.failed"));
        Assert.Equal("loss", Tag(parent, "sweep.metric"));
        Assert.Equal("min", Tag(parent, "sweep.goal"));

        // Trials in grid order (names in order, the last varying fastest), typed, tagged, children of the parent.
        var trials = TrialsOf(runs, parent);
        Assert.Equal(["sweep_001/01", "sweep_001/02", "sweep_001/03", "sweep_001/04"], trials.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([(1L, 0.1), (1L, 0.3), (3L, 0.1), (3L, 0.3)],
            trials.Select(t => (t.GetProperty("params").GetProperty("depth").GetInt64(), t.GetProperty("params").GetProperty("lr").GetDouble())));
        Assert.All(trials, t => Assert.Equal("sweep_001", Tag(t, "sweep")));
        Assert.Equal(["1", "2", "3", "4"], trials.Select(t => Tag(t, "trial")));
        Assert.All(trials, t => Assert.Equal("completed", t.GetProperty("status").GetString()));
        Assert.Equal([0.1, 0.3, 0.3, 0.9], trials.Select(t => Math.Round(t.GetProperty("metrics").GetProperty("loss").GetDouble(), 9)));

        // The best trial: on the parent, from best SWEEP, and from best --filter 'parent = SWEEP'.
        var best = trials[0];
        Assert.Equal(best.GetProperty("id").GetString(), Tag(parent, "sweep.best"));
        Assert.Equal("0.1", Tag(parent, "sweep.best_value"));
        Assert.Contains("best sweep_001/01", result.Stderr, StringComparison.Ordinal);
        foreach (var args in new[]
        {
            new[] { "best", "sweep_001" },
            ["best", "--filter", "parent=sweep_001", "--metric", "loss"],
            ["best", "--filter", $"parent = {parent.GetProperty("id").GetString()![..8]}", "--metric", "loss"],
        })
        {
            var ranked = GitTrackProcess.Run(_repo, [.. args, "--json"]);
            Assert.True(ranked.ExitCode == 0, ranked.Stderr);
            using var doc = JsonDocument.Parse(ranked.Stdout);
            Assert.Equal("sweep_001/01", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("name").GetString());
        }

        // ls nests the trials under their parent.
        var ls = GitTrackProcess.Run(_repo, "ls");
        var lines = ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("sweep_001", lines[1], StringComparison.Ordinal);
        Assert.All(lines[2..], line => Assert.Contains("└ sweep_001/0", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_after_the_commands_first_word_are_the_commands_as_with_run()
    {
        // Without '--': "-c" and "-n" belong to sh, not to gittrack sweep (whose -n names the sweep).
        var result = Sweep("-p", "i=1,2", "--name", "opts", "sh", "-c", $"echo \"$0 $1\" >> \"{_out}/args\"", "-n", "x");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["-n x", "-n x"], File.ReadAllLines(Path.Combine(_out, "args")));
        var runs = Runs();
        Assert.Equal(2, TrialsOf(runs, Named(runs, "opts")).Count);
        var unknown = Sweep("--no-such-option", "sh", "-c", "true");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown option '--no-such-option'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trial_gets_its_params_exactly_as_gittrack_run_p_gives_them()
    {
        _repo.WriteFile("dump.sh", "#!/bin/sh\ncp \"$GITTRACK_PARAMS\" \"$OUT/$1.json\"\n");
        _repo.Commit("add dump.sh");
        string[] parameters = ["lr=1.0", "n=3", "flag=true", "id=007", "s=\"1\"", "x=0.5"];

        var sweep = Sweep([.. parameters.SelectMany(p => new[] { "-p", p }), "--name", "typed", "--", "sh", "dump.sh", "sweep"]);
        var run = GitTrackProcess.RunWith(_repo, Env, ["run", .. parameters.SelectMany(p => new[] { "-p", p }), "--name", "plain", "--", "sh", "dump.sh", "run"]);

        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        Assert.True(run.ExitCode == 0, run.Stderr);
        // The same GITTRACK_PARAMS, byte for byte, as a plain gittrack run with the same -p arguments.
        Assert.Equal(File.ReadAllText(Path.Combine(_out, "run.json")), File.ReadAllText(Path.Combine(_out, "sweep.json")));
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "sweep.json")));
        var p = file.RootElement;
        Assert.Equal("3", p.GetProperty("n").GetRawText());
        Assert.Equal(0.5, p.GetProperty("x").GetDouble());
        Assert.Equal(JsonValueKind.True, p.GetProperty("flag").ValueKind);
        Assert.Equal("007", p.GetProperty("id").GetString());
        Assert.Equal("1", p.GetProperty("s").GetString());
        // And the same typed params on the branch (read by tomllib): 1.0 stays a float.
        var runs = Runs();
        var trial = RunsOnBranch.Manifest(_repo, Named(runs, "typed/01").GetProperty("id").GetString()!);
        var plain = RunsOnBranch.Manifest(_repo, Named(runs, "plain").GetProperty("id").GetString()!);
        Assert.Equal(plain.GetProperty("param_types").GetRawText(), trial.GetProperty("param_types").GetRawText());
        Assert.Equal("float", trial.GetProperty("param_types").GetProperty("lr").GetString());
        Assert.Equal("int", trial.GetProperty("param_types").GetProperty("n").GetString());
        Assert.Equal("str", trial.GetProperty("param_types").GetProperty("id").GetString());
        Assert.Equal(1.0, trial.GetProperty("params").GetProperty("lr").GetDouble());
    }

    [Fact]
    public void A_random_search_draws_the_same_trials_from_the_same_seed()
    {
        string[] space = ["-p", "lr=loguniform(1e-4,1e-1)", "-p", "units=choice(64,128,256)", "-p", "dropout=uniform(0,0.5)", "--random", "2"];
        foreach (var (name, seed) in new[] { ("a", "42"), ("b", "42"), ("c", "43") })
        {
            var result = Sweep([.. space, "--seed", seed, "--name", name, "--", "true"]);
            Assert.True(result.ExitCode == 0, result.Stderr);
        }

        var runs = Runs();
        string Points(string sweep) => string.Join(" | ", TrialsOf(runs, Named(runs, sweep)).Select(t => t.GetProperty("params").GetRawText()));
        Assert.Equal(Points("a"), Points("b"));
        Assert.NotEqual(Points("a"), Points("c"));
        Assert.Equal("42", Tag(Named(runs, "a"), "sweep.seed"));
        Assert.Equal("random", Tag(Named(runs, "a"), "sweep.mode"));
        foreach (var trial in runs.Where(r => Tag(r, "trial").Length > 0))
        {
            var p = trial.GetProperty("params");
            Assert.InRange(p.GetProperty("lr").GetDouble(), 1e-4, 1e-1);
            Assert.InRange(p.GetProperty("dropout").GetDouble(), 0, 0.5);
            Assert.Contains(p.GetProperty("units").GetInt64(), new[] { 64L, 128, 256 });
        }
        Assert.Equal(6, runs.Count(r => Tag(r, "trial").Length > 0));
    }

    [Fact]
    public void With_jobs_2_two_trials_run_at_once_each_on_its_own_gpu()
    {
        // Each trial waits (up to a minute) until two trials have started: one at a time, the first would time out and fail.
        _repo.WriteFile("together.sh", """
            #!/bin/sh
            touch "$OUT/started.$$"
            i=0
            while [ "$(ls "$OUT" | grep -c '^started\.')" -lt 2 ]; do
              i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.1
            done
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add together.sh");

        var result = Sweep("-j", "2", "--gpus", "0,1", "-p", "i=1..3", "--", "sh", "together.sh");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = Runs();
        var trials = TrialsOf(runs, Named(runs, "sweep_001"));
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.Equal("completed", t.GetProperty("status").GetString()));
        // One GPU per trial through CUDA_VISIBLE_DEVICES: the two that ran together got different ones.
        string Gpu(JsonElement t)
        {
            var shown = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", t.GetProperty("id").GetString()!, "--json").Stdout).RootElement;
            return shown.GetProperty("env").GetProperty("CUDA_VISIBLE_DEVICES").GetString()!;
        }
        Assert.Equal(["0", "1"], new[] { Gpu(trials[0]), Gpu(trials[1]) });
        Assert.Contains(Gpu(trials[2]), new[] { "0", "1" });
    }

    [Fact]
    public void Ctrl_C_stops_the_sweep_cleanly_and_resume_runs_only_the_trials_that_did_not_complete()
    {
        // Trials wait for a release file: without it they run until signalled.
        _repo.WriteFile("wait.sh", """
            #!/bin/sh
            trap 'exit 130' INT TERM
            touch "$OUT/started.$$"
            while [ ! -f "$OUT/release" ]; do sleep 0.1; done
            echo '{"type":"metric","name":"loss","value":1}' >> "$GITTRACK_EVENTS"
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add wait.sh");
        int Started() => Directory.EnumerateFiles(_out, "started.*").Count();

        using (var sweep = GitTrackProcess.Start(_repo, Env, "sweep", "-j", "2", "--name", "long", "-p", "i=1..4", "--", "sh", "wait.sh"))
        {
            BackgroundProcess.WaitUntil(() => Started() == 2, Patience, "two trials to start");
            // The trials' gittrack run registered their handlers as they started their commands; leave them that instant.
            Thread.Sleep(500);
            sweep.Signal("INT");
            var result = sweep.WaitForExit(Patience);

            Assert.Equal(130, result.ExitCode);
            Assert.Contains("interrupted by SIGINT", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("gittrack sweep --resume", result.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal(2, Started()); // no new trial started
        var runs = Runs();
        var parent = Named(runs, "long");
        Assert.Equal("killed", parent.GetProperty("status").GetString());
        var shown = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", "long", "--json").Stdout).RootElement;
        Assert.Equal(130, shown.GetProperty("exit_code").GetInt32());
        Assert.Contains("2 of 4 trials ran", shown.GetProperty("error").GetString(), StringComparison.Ordinal);
        var killed = TrialsOf(runs, parent);
        Assert.Equal(["long/01", "long/02"], killed.Select(t => t.GetProperty("name").GetString()));
        Assert.All(killed, t => Assert.Equal("killed", t.GetProperty("status").GetString()));
        Assert.Equal("2", Tag(parent, "sweep.killed"));

        // Resume: what defines the trials comes from the sweep; giving it again is a usage error.
        Assert.Equal(2, Sweep("--resume", "long", "-p", "i=1..9").ExitCode);
        File.WriteAllText(Path.Combine(_out, "release"), "");
        var resumed = Sweep("--resume", "long", "-j", "2");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        runs = Runs();
        parent = Named(runs, "long");
        var trials = TrialsOf(runs, parent);
        Assert.Equal(["long/01", "long/01-r2", "long/02", "long/02-r2", "long/03", "long/04"], trials.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["killed", "completed", "killed", "completed", "completed", "completed"], trials.Select(t => t.GetProperty("status").GetString()));
        Assert.Equal(["1", "1", "2", "2", "3", "4"], trials.Select(t => Tag(t, "trial")));
        Assert.Equal("4", Tag(parent, "sweep.completed"));
        Assert.Equal("0", Tag(parent, "sweep.killed"));
        Assert.Equal("killed", parent.GetProperty("status").GetString()); // the status its first run ended with

        var again = Sweep("--resume", "long");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to resume", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(runs.Count, Runs().Count);
    }

    [Fact]
    public void Max_failures_stops_starting_trials_after_that_many_failed()
    {
        var result = Sweep("--max-failures", "2", "-p", "i=1..5", "--", "sh", "-c", "exit 3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stopped by --max-failures", result.Stderr, StringComparison.Ordinal);
        var runs = Runs();
        var parent = Named(runs, "sweep_001");
        Assert.Equal("failed", parent.GetProperty("status").GetString());
        var trials = TrialsOf(runs, parent);
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Equal(3, t.GetProperty("exit_code").GetInt32()));
        var shown = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", "sweep_001", "--json").Stdout).RootElement;
        Assert.Contains("stopped after 2 failed trials", shown.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_file_holds_the_spaces_and_the_command_line_overrides_it()
    {
        _repo.WriteFile("sweep.toml", """
            lr = [0.1, 1.0]
            depth = "1..2"
            [model]
            name = "resnet"
            """);
        _repo.Commit("add sweep.toml");

        var result = Sweep("--params-file", "sweep.toml", "-p", "depth=5", "--", "sh", "trial.sh");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var runs = Runs();
        var trials = TrialsOf(runs, Named(runs, "sweep_001"));
        Assert.Equal(2, trials.Count);
        var manifest = RunsOnBranch.Manifest(_repo, trials[1].GetProperty("id").GetString()!);
        Assert.Equal(1.0, manifest.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal("float", manifest.GetProperty("param_types").GetProperty("lr").GetString());
        Assert.Equal(5, manifest.GetProperty("params").GetProperty("depth").GetInt64());
        Assert.Equal("resnet", manifest.GetProperty("params").GetProperty("model.name").GetString());
    }

    [Theory]
    [InlineData("empty list", "the list of values is empty", "-p", "lr=")]
    [InlineData("empty value", "the list has an empty value", "-p", "lr=0.1,,0.2")]
    [InlineData("range upside down", "the range is empty: 8 is greater than 2", "-p", "depth=8..2")]
    [InlineData("unknown distribution", "unknown distribution 'normal'", "-p", "lr=normal(0,1)")]
    [InlineData("duplicate param", "param 'lr' is given twice", "-p", "lr=0.1", "-p", "lr=0.2")]
    [InlineData("distribution in a grid", "a grid cannot go over it", "-p", "lr=loguniform(1e-4,1e-1)")]
    [InlineData("bad bounds", "loguniform needs bounds above 0", "-p", "lr=loguniform(0,1)", "--random", "3")]
    public void A_bad_space_is_one_line_and_exit_2_before_anything_runs(string what, string message, params string[] args)
    {
        var result = Sweep([.. args, "--", "sh", "-c", $"touch \"{_out}/ran\""]);

        Assert.True(result.ExitCode == 2, $"{what}: exit {result.ExitCode}: {result.Stderr}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_out, "ran")));
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }
}
