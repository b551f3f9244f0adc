using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack log RUN</c>: a run's captured output from the cache, verified, to stdout or a file.</summary>
public sealed class LogCommandTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Log_prints_what_the_command_printed_on_stdout_and_stderr()
    {
        var run = GitTrackProcess.Run(_repo, "run", "-n", "noisy", "--", "sh", "-c", "echo epoch 1; echo warning >&2; echo done");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var result = GitTrackProcess.Run(_repo, "log", "noisy");

        Assert.True(result.ExitCode == 0, result.Stderr);
        // Both streams, each line whole; their order is the order the two pipes were read in.
        Assert.Equal(["done", "epoch 1", "warning"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal(3, result.Stdout.Count(c => c == '\n'));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void Log_with_output_writes_the_file_and_a_corrupt_object_fails_leaving_it_unchanged()
    {
        var run = GitTrackProcess.Run(_repo, "run", "-n", "r", "--", "sh", "-c", "echo the log");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var written = GitTrackProcess.Run(_repo, "log", "r", "-o", "out/r.log");
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Equal("the log\n", File.ReadAllText(_repo.PathOf("out/r.log")));

        // Damage the cached log (another object's bytes in its place): the command refuses to pass it off as the run's output.
        var key = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("log").GetProperty("blake3").GetString()!;
        _repo.WriteFile("other.txt", "something else entirely");
        var other = GitTrackProcess.Run(_repo, "cache", "add", "other.txt").Stdout[..64];
        string PathOf(string k) => _repo.PathOf($".git/gittrack/objects/{k[..2]}/{k[2..]}");
        File.SetAttributes(PathOf(key), FileAttributes.Normal);
        File.WriteAllBytes(PathOf(key), File.ReadAllBytes(PathOf(other)));
        var corrupt = GitTrackProcess.Run(_repo, "log", "r", "-o", "out/r.log");
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Equal("the log\n", File.ReadAllText(_repo.PathOf("out/r.log")));
    }

    [Fact]
    public void A_run_whose_command_could_not_start_has_no_log_and_log_says_so()
    {
        var run = GitTrackProcess.Run(_repo, "run", "-n", "missing", "--", "no-such-command-here");
        Assert.Equal(127, run.ExitCode);

        var result = GitTrackProcess.Run(_repo, "log", "missing");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gittrack: run missing has no captured log (its command did not run: command not found: no-such-command-here)\n", result.Stderr);
    }

    [Fact]
    public void Log_of_an_unknown_run_is_an_input_error()
    {
        var result = GitTrackProcess.Run(_repo, "log", "nope");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("gittrack: ", result.Stderr, StringComparison.Ordinal);
    }
}
