using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// What a child writes to GITTRACK_EVENTS, and <c>--artifact</c>, as recorded by the real <c>gittrack run</c>:
/// metric histories, params, tags, artifacts in the cache, and bad lines reported and skipped.
/// </summary>
public sealed class RunEventsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    /// <summary>Runs a child that appends <paramref name="lines"/> to its events file.</summary>
    private ProcessResult RunWithEvents(string[] options, params string[] lines)
    {
        _repo.WriteFile("events.txt", string.Join("\n", lines) + "\n");
        return GitTrackProcess.Run(_repo, ["run", .. options, "--", "bash", "-c", "cat events.txt >> \"$GITTRACK_EVENTS\""]);
    }

    [Fact]
    public void Metrics_keep_their_full_history_with_steps_nan_and_infinities()
    {
        var result = RunWithEvents([],
            """{"type":"metric","name":"loss","value":0.5,"step":1}""",
            """{"type":"metric","name":"loss","value":0.25,"step":2}""",
            """{"type":"metric","name":"loss","value":NaN,"step":3}""",
            """{"type":"metric","name":"loss","value":"Infinity","step":4}""",
            """{"type":"metric","name":"loss","value":-Infinity,"step":5}""",
            """{"type":"metric","name":"acc","value":0.9}""");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("warning", result.Stderr, StringComparison.Ordinal);
        var id = RunsOnBranch.SingleId(_repo);
        var loss = RunsOnBranch.History(_repo, id).Where(p => p.Name == "loss").ToList();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], loss.Select(p => p.Step!.Value));
        Assert.Equal(0.5, loss[0].Value);
        Assert.Equal(0.25, loss[1].Value);
        Assert.True(double.IsNaN(loss[2].Value));
        Assert.Equal(double.PositiveInfinity, loss[3].Value);
        Assert.Equal(double.NegativeInfinity, loss[4].Value);
        Assert.All(loss, p => Assert.NotNull(p.Timestamp));
        var metrics = RunsOnBranch.Manifest(_repo, id).GetProperty("metrics");
        Assert.Equal("-inf", metrics.GetProperty("loss").GetString());
        Assert.Equal(0.9, metrics.GetProperty("acc").GetDouble());

        var shown = GitTrackProcess.Run(_repo, "show", "run_001");
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("loss", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("-inf", shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_and_tags_from_events_are_recorded_beside_the_command_line_ones()
    {
        var result = RunWithEvents(["-p", "lr=0.1", "--tag", "dataset=v1"],
            """{"type":"param","name":"batch_size","value":32}""",
            """{"type":"param","name":"optimizer","value":"adam"}""",
            """{"type":"tag","name":"stage","value":"tuning"}""");

        Assert.Equal(0, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal(32, manifest.GetProperty("params").GetProperty("batch_size").GetInt64());
        Assert.Equal("int", manifest.GetProperty("param_types").GetProperty("batch_size").GetString());
        Assert.Equal("adam", manifest.GetProperty("params").GetProperty("optimizer").GetString());
        Assert.Equal(0.1, manifest.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal("tuning", manifest.GetProperty("tags").GetProperty("stage").GetString());
        Assert.Equal("v1", manifest.GetProperty("tags").GetProperty("dataset").GetString());
    }

    [Fact]
    public void Artifacts_from_events_and_the_command_line_are_stored_with_path_key_and_size()
    {
        _repo.WriteFile("model.bin", [0, 1, 2, 255, 254]);
        _repo.WriteFile("out/plots/a.txt", "plot a\n");
        _repo.WriteFile("out/b.txt", "b\n");
        _repo.WriteFile("report.txt", "the report\n");

        var result = RunWithEvents(["--artifact", "out", "-a", "report.txt"],
            """{"type":"artifact","path":"model.bin"}""");

        Assert.Equal(0, result.ExitCode);
        var artifacts = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("artifacts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("path").GetString()!);
        Assert.Equal(["model.bin", "out/b.txt", "out/plots/a.txt", "report.txt"], artifacts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, artifacts["model.bin"].GetProperty("size").GetInt64());
        Assert.Equal(7, artifacts["out/plots/a.txt"].GetProperty("size").GetInt64());
        Assert.Equal("plot a\n", RunsOnBranch.CacheCat(_repo, artifacts["out/plots/a.txt"].GetProperty("blake3").GetString()!));
        Assert.Equal("b\n", RunsOnBranch.CacheCat(_repo, artifacts["out/b.txt"].GetProperty("blake3").GetString()!));
        Assert.Equal("the report\n", RunsOnBranch.CacheCat(_repo, artifacts["report.txt"].GetProperty("blake3").GetString()!));

        var output = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "model.out");
        var cat = GitTrackProcess.Run(_repo, "cache", "cat", artifacts["model.bin"].GetProperty("blake3").GetString()!, "-o", output);
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(new byte[] { 0, 1, 2, 255, 254 }, File.ReadAllBytes(output));
    }

    [Fact]
    public void A_missing_artifact_is_a_warning_and_the_run_still_completes()
    {
        var result = GitTrackProcess.Run(_repo, "run", "--artifact", "nothing-here.bin", "--", "true");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("artifact not found, not stored: nothing-here.bin", result.Stderr, StringComparison.Ordinal);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_line_number_and_skipped_and_the_rest_is_kept()
    {
        var result = RunWithEvents([],
            """{"type":"metric","name":"loss","value":0.5,"step":1}""",
            """{"type":"metric","name":"loss","value":0.4""",
            """{"type":"metric","name":"loss","value":0.3,"step":3}""",
            """not json at all""",
            """{"type":"metric","name":"loss","value":0.2,"step":5}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("events line 2:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("events line 4:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("events line 1:", result.Stderr, StringComparison.Ordinal);
        var id = RunsOnBranch.SingleId(_repo);
        Assert.Equal([1L, 3L, 5L], RunsOnBranch.History(_repo, id).Select(p => p.Step!.Value));
        var manifest = RunsOnBranch.Manifest(_repo, id);
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.Equal("2", manifest.GetProperty("tags").GetProperty("gittrack.skipped_events").GetString());
    }

    [Fact]
    public void A_non_numeric_metric_value_is_reported_and_skipped()
    {
        var result = RunWithEvents([],
            """{"type":"metric","name":"acc","value":"high","step":1}""",
            """{"type":"metric","name":"acc","value":0.8,"step":2}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("events line 1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("non-numeric", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"high\"", result.Stderr, StringComparison.Ordinal);
        var history = RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal(0.8, Assert.Single(history).Value);
    }

    [Fact]
    public void A_last_line_without_newline_is_read_when_the_child_ends()
    {
        var result = GitTrackProcess.Run(_repo, "run", "--", "bash", "-c",
            """printf '{"type":"metric","name":"x","value":1}' >> "$GITTRACK_EVENTS" """);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1.0, Assert.Single(RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo))).Value);
    }
}
