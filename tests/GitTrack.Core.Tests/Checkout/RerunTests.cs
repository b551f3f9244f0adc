using GitTrack.Core.Checkout;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Checkout;

public sealed class RerunTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Rerun_environment_never_takes_secrets_from_the_record()
    {
        var run = new RecordedRuns(_repo).Record("r", shape: r => r with
        {
            Environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["LR_SCHEDULE"] = "cosine",
                ["API_TOKEN"] = "***",
                ["DATA_URL"] = "https://user:***@example.com/data",
                ["HUGE"] = "<9000 characters, not recorded>",
                ["PWD"] = "/somewhere/else",
                ["GITTRACK_RUN_ID"] = "0123456789abcdef01234567",
                ["GIT_DIR"] = "/somewhere/else/.git",
            },
        });

        var environment = Rerun.Environment(run);

        Assert.Equal(["LR_SCHEDULE"], environment.Keys);
        Assert.Equal("cosine", environment["LR_SCHEDULE"]);
    }

    [Fact]
    public void Rerun_checks_out_the_code_alone_into_a_fresh_worktree_and_names_the_original()
    {
        _repo.WriteFile("src/train.py", "print('uncommitted')\n");
        _repo.WriteFile("src/model.bin", "old model\n");
        var runs = new RecordedRuns(_repo);
        var run = runs.Record("r", ["src/model.bin"], r => r with { WorkingDirectory = "src", Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = 0.1 } });

        var first = Rerun.Prepare(runs.Directories, run, runs.Cache);
        var second = Rerun.Prepare(runs.Directories, run, runs.Cache);

        Assert.Equal(Path.Combine(runs.Directories.GitTrackDir, "worktrees", $"{run.Id}-rerun-1", "src"), first.WorkingDirectory);
        Assert.EndsWith($"{run.Id}-rerun-2{Path.DirectorySeparatorChar}src", second.WorkingDirectory, StringComparison.Ordinal);
        Assert.Equal("print('uncommitted')\n", File.ReadAllText(Path.Combine(first.WorkingDirectory, "train.py")));
        Assert.Equal("old model\n", File.ReadAllText(Path.Combine(first.WorkingDirectory, "model.bin"))); // untracked, small: part of the code snapshot
        Assert.Equal(run.Id, first.Reproduces);
        Assert.Equal(run.Command, first.Command);
        Assert.Equal(0.1, first.Params["lr"]);
        Assert.Equal(["model.bin"], first.Artifacts);
    }

    [Fact]
    public async Task The_environment_a_rerun_gives_its_command_is_the_one_recorded()
    {
        var outcome = await RunRecorder.RecordAsync(new RunOptions
        {
            Command = ["sh", "-c", "test \"$LR_SCHEDULE\" = cosine"],
            WorkingDirectory = _repo.Root,
            ExtraEnvironment = new Dictionary<string, string?> { ["LR_SCHEDULE"] = "cosine" },
        });

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("cosine", outcome.Run.Environment["LR_SCHEDULE"]);
        Assert.DoesNotContain(outcome.Run.Environment.Keys, key => key.StartsWith("GITTRACK_", StringComparison.Ordinal));
    }
}
