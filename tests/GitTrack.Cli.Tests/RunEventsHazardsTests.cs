using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// A tracked command that puts something other than a file at its events path (a named pipe, a link to /dev/zero),
/// at its log's path, or gives such a thing as an artifact: the real <c>gittrack run</c> still ends, records the run
/// with its status, and says once what it did not read.
/// </summary>
public sealed class RunEventsHazardsTests : IDisposable
{
    // Generous: before the fix gittrack never ended; a loaded machine still finishes a run in seconds.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Run(params string[] args) =>
        ProcessRunner.Run(GitTrackProcess.CommandLine[0], [.. GitTrackProcess.CommandLine[1..], .. args], _repo.Root,
            _repo.Environment, timeout: Deadline);

    private static int Count(string text, string part) =>
        text.Split('\n').Count(line => line.Contains(part, StringComparison.Ordinal));

    [Fact]
    public void An_events_file_replaced_by_a_fifo_does_not_hang_gittrack_and_the_run_ends_with_its_status()
    {
        var result = Run("run", "--", "sh", "-c",
            "echo '{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5}' >> \"$GITTRACK_EVENTS\"; rm \"$GITTRACK_EVENTS\"; mkfifo \"$GITTRACK_EVENTS\"; exit 3");

        Assert.Equal(3, result.ExitCode);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("failed", manifest.GetProperty("status").GetString());
        Assert.Equal(3, manifest.GetProperty("exit_code").GetInt32());
        // What was written before the pipe took the file's place is kept.
        Assert.Equal(0.5, manifest.GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.Equal(1, Count(result.Stderr, "replaced by a named pipe (FIFO)"));
    }

    [Fact]
    public void An_events_file_replaced_by_a_link_to_dev_zero_is_not_read_and_the_run_completes()
    {
        var result = Run("run", "--", "sh", "-c", "ln -sf /dev/zero \"$GITTRACK_EVENTS\"; sleep 1");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.Equal(1, Count(result.Stderr, "replaced by a symbolic link"));
        Assert.False(manifest.GetProperty("tags").TryGetProperty("gittrack.skipped_events", out _));
    }

    [Fact]
    public void An_events_file_replaced_by_another_file_is_read_from_its_start()
    {
        var result = Run("run", "--", "sh", "-c",
            "echo '{\"type\":\"metric\",\"name\":\"a\",\"value\":1}' >> \"$GITTRACK_EVENTS\"; " +
            "echo '{\"type\":\"metric\",\"name\":\"b\",\"value\":2}' > next.jsonl; mv next.jsonl \"$GITTRACK_EVENTS\"");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var metrics = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("metrics");
        Assert.Equal(1, metrics.GetProperty("a").GetDouble());
        Assert.Equal(2, metrics.GetProperty("b").GetDouble());
        Assert.Equal(1, Count(result.Stderr, "replaced by another file"));
    }

    [Fact]
    public void A_log_file_replaced_by_a_fifo_is_not_stored_and_the_run_completes()
    {
        var result = Run("run", "--", "sh", "-c",
            "log=\"$(dirname \"$GITTRACK_EVENTS\")/output.log\"; rm \"$log\"; mkfifo \"$log\"");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.False(manifest.TryGetProperty("log", out _));
        Assert.Equal(1, Count(result.Stderr, "log file was replaced by a named pipe (FIFO)"));
    }

    [Fact]
    public void An_artifact_that_is_a_fifo_or_a_link_to_dev_zero_is_not_stored_and_the_run_completes()
    {
        var result = Run("run", "-a", "pipe", "-a", "zero", "-a", "model.bin", "--", "sh", "-c",
            "mkfifo pipe; ln -s /dev/zero zero; echo weights > model.bin");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        var paths = manifest.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()).ToList();
        Assert.Equal(["model.bin"], paths);
        Assert.Equal(1, Count(result.Stderr, "pipe is a named pipe (FIFO)"));
        Assert.Equal(1, Count(result.Stderr, "zero is a character device"));
    }
}
