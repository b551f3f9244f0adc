using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>gittrack run [OPTIONS] CMD ARGS...</c>: gittrack's options come before the command; everything from the
/// command's first word on belongs to the command, as with <c>env</c>, <c>nohup</c> and <c>time</c>. <c>--</c> still works.
/// </summary>
public sealed class RunCommandLineTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public RunCommandLineTests()
    {
        // Prints each argument it gets in brackets, one a line.
        _repo.WriteFile("args.sh", "for a in \"$@\"; do echo \"[$a]\"; done\n");
        _repo.Commit("add args.sh");
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gittrack(params string[] args) => GitTrackProcess.Run(_repo, args);

    private static string[] Brackets(ProcessResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('[')).ToArray();

    [Fact]
    public void Options_after_the_command_go_to_the_command_and_the_run_keeps_its_default_name()
    {
        var result = Gittrack("run", "sh", "args.sh", "--epochs", "3", "-n", "5", "-p", "x=1", "--tag", "a=b");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["[--epochs]", "[3]", "[-n]", "[5]", "[-p]", "[x=1]", "[--tag]", "[a=b]"], Brackets(result));
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("run_001", manifest.GetProperty("name").GetString());
        Assert.Empty(manifest.GetProperty("params").EnumerateObject());
        Assert.Empty(manifest.GetProperty("tags").EnumerateObject());
        Assert.Equal(["sh", "args.sh", "--epochs", "3", "-n", "5", "-p", "x=1", "--tag", "a=b"],
            manifest.GetProperty("command").EnumerateArray().Select(a => a.GetString()!));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--version")]
    public void Help_after_the_command_goes_to_the_command(string option)
    {
        var result = Gittrack("run", "sh", "args.sh", option);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal([$"[{option}]"], Brackets(result));
        Assert.DoesNotContain("Usage", result.Stdout);
        Assert.Single(RunsOnBranch.Ids(_repo));
    }

    [Fact]
    public void Gittracks_own_options_before_the_command_still_work_with_their_values()
    {
        var result = Gittrack("run", "-n", "mine", "-p", "lr=0.1", "--param", "epochs=3", "--tag=team=vision", "--note", "a note",
            "sh", "args.sh", "-n", "theirs", "--", "--param");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["[-n]", "[theirs]", "[--]", "[--param]"], Brackets(result));
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("mine", manifest.GetProperty("name").GetString());
        Assert.Equal(0.1, manifest.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(3, manifest.GetProperty("params").GetProperty("epochs").GetInt64());
        Assert.Equal("vision", manifest.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("a note", manifest.GetProperty("note").GetString());
    }

    [Fact]
    public void A_double_dash_before_the_command_is_still_accepted_and_not_passed_on()
    {
        var result = Gittrack("run", "-n", "dashed", "--", "sh", "args.sh", "--", "-n", "x");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["[--]", "[-n]", "[x]"], Brackets(result));
        Assert.Equal("dashed", RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("name").GetString());
    }

    [Fact]
    public void A_command_word_that_looks_like_an_option_value_is_not_mistaken_for_one()
    {
        // -n takes a value, so "sh" after "-n x" starts the command, and "-n=y" inside it is the command's.
        var result = Gittrack("run", "-n", "x", "sh", "args.sh", "-n=y");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["[-n=y]"], Brackets(result));
        Assert.Equal("x", RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("name").GetString());
    }

    [Fact]
    public void An_unknown_option_before_the_command_is_a_usage_error_and_nothing_runs()
    {
        var result = Gittrack("run", "--epochs", "3", "sh", "args.sh");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--epochs", result.Stderr);
        Assert.Empty(Brackets(result));
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }

    [Fact]
    public void An_option_missing_its_value_is_a_usage_error()
    {
        var result = Gittrack("run", "sh", "args.sh", "-n");
        Assert.True(result.ExitCode == 0, result.Stderr); // -n here is the command's

        var missing = Gittrack("run", "-n");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("gittrack: ", missing.Stderr);
    }

    [Fact]
    public void Help_before_the_command_is_gittracks_and_runs_nothing()
    {
        var result = Gittrack("run", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage", result.Stdout);
        Assert.Contains("--params-file", result.Stdout);
        Assert.Empty(RunsOnBranch.Ids(_repo));
    }

    [Fact]
    public void No_command_says_how_to_give_one()
    {
        var result = Gittrack("run", "-n", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("gittrack run python train.py", result.Stderr);
    }
}
