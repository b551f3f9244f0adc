using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Defaults the code reads (<c>{"type":"param",...,"default":true}</c>, written by the clients' <c>GetParam</c> and
/// <c>params().get</c>) are recorded as the run's params unless the run already has one of that name, through the
/// real <c>gittrack run</c>.
/// </summary>
public sealed class DefaultParamsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string Event(string name, string value, bool isDefault) =>
        $"{{\"type\":\"param\",\"name\":\"{name}\",\"value\":{value}{(isDefault ? ",\"default\":true" : "")}}}";

    /// <summary>Runs a command that appends <paramref name="events"/> to the events file, with <paramref name="options"/> before it.</summary>
    private ProcessResult RunWithEvents(string[] options, params string[] events)
    {
        var script = string.Join("; ", events.Select(e => $"echo '{e}' >> \"$GITTRACK_EVENTS\""));
        var result = GitTrackProcess.Run(_repo, ["run", .. options, "--", "sh", "-c", script]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result;
    }

    private System.Text.Json.JsonElement Params(string id) => RunsOnBranch.Manifest(_repo, id).GetProperty("params");

    [Fact]
    public void A_default_the_run_lacks_is_recorded()
    {
        RunWithEvents([], Event("epochs", "30", isDefault: true), Event("lr", "0.5", isDefault: true));

        var parameters = Params(RunsOnBranch.SingleId(_repo));
        Assert.Equal(30, parameters.GetProperty("epochs").GetInt64());
        Assert.Equal(0.5, parameters.GetProperty("lr").GetDouble());
    }

    [Fact]
    public void A_default_never_overrides_a_param_given_with_p_or_a_params_file()
    {
        _repo.WriteFile("params.toml", "batch = 64\n");
        RunWithEvents(["-p", "epochs=40", "--params-file", "params.toml"],
            Event("epochs", "30", isDefault: true), Event("batch", "32", isDefault: true));

        var parameters = Params(RunsOnBranch.SingleId(_repo));
        Assert.Equal(40, parameters.GetProperty("epochs").GetInt64());
        Assert.Equal(64, parameters.GetProperty("batch").GetInt64());
    }

    [Fact]
    public void A_default_never_overrides_a_param_event_before_or_after_it_and_the_first_default_wins()
    {
        RunWithEvents([],
            Event("before", "1", isDefault: false), Event("before", "2", isDefault: true),
            Event("after", "2", isDefault: true), Event("after", "1", isDefault: false),
            Event("twice", "1", isDefault: true), Event("twice", "2", isDefault: true));

        var parameters = Params(RunsOnBranch.SingleId(_repo));
        Assert.Equal(1, parameters.GetProperty("before").GetInt64());
        Assert.Equal(1, parameters.GetProperty("after").GetInt64());
        Assert.Equal(1, parameters.GetProperty("twice").GetInt64());
    }

    [Fact]
    public void A_default_false_is_an_ordinary_param_and_a_default_that_is_not_a_boolean_is_reported()
    {
        var result = RunWithEvents(["-p", "a=1"],
            "{\"type\":\"param\",\"name\":\"a\",\"value\":2,\"default\":false}",
            "{\"type\":\"param\",\"name\":\"b\",\"value\":2,\"default\":\"yes\"}");

        var parameters = Params(RunsOnBranch.SingleId(_repo));
        Assert.Equal(2, parameters.GetProperty("a").GetInt64());
        Assert.False(parameters.TryGetProperty("b", out _));
        Assert.Contains("events line 2", result.Stderr);
        Assert.Contains("\"default\" must be true or false", result.Stderr);
    }

    [Fact]
    public void Diff_against_a_run_given_the_param_shows_the_change_not_a_missing_param()
    {
        RunWithEvents(["-n", "defaulted"], Event("epochs", "30", isDefault: true));
        RunWithEvents(["-n", "given", "-p", "epochs=40"], Event("epochs", "30", isDefault: true));

        var diff = GitTrackProcess.Run(_repo, "diff", "defaulted", "given");

        Assert.True(diff.ExitCode == 0, diff.Stderr);
        Assert.Contains("~ epochs  30 -> 40", diff.Stdout);
    }
}
