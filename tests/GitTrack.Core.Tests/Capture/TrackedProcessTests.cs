using System.Runtime.InteropServices;
using System.Text;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Capture;

public sealed class TrackedProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("gittrack-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string LogPath => Path.Combine(_dir, "run.log");

    private TrackedProcessOptions Options(params string[] command) => new()
    {
        Command = command,
        WorkingDirectory = _dir,
        LogPath = LogPath,
    };

    private static Task<TrackedProcessResult> Run(TrackedProcessOptions options)
    {
        var process = TrackedProcess.Start(options);
        return process.Completion.WaitAsync(Patience);
    }

    [SkippableFact]
    public async Task Stdout_and_stderr_pass_through_unchanged_and_both_land_in_the_log()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var result = await Run(Options("/bin/sh", "-c", "printf 'epoch 1\\r50%%\\r100%%\\n'; printf 'warn\\n' >&2; printf '\\000\\377'")
            with { StandardOutput = stdout, StandardError = stderr });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.True(result.Started);
        Assert.False(result.Interrupted);
        Assert.Equal([.. "epoch 1\r50%\r100%\n"u8, 0, 255], stdout.ToArray());
        Assert.Equal("warn\n"u8.ToArray(), stderr.ToArray());
        var log = File.ReadAllBytes(LogPath);
        Assert.Equal(stdout.Length + stderr.Length, log.Length);
        Assert.Equal(log.Length, result.LogBytes);
        Assert.Contains("warn\n", Encoding.Latin1.GetString(log));
        Assert.Contains("epoch 1\r50%\r100%\n", Encoding.Latin1.GetString(log));
        Assert.True(result.EndedAt >= result.StartedAt);
    }

    [SkippableFact]
    public async Task Large_output_streams_through_with_every_byte_kept()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var stdout = new MemoryStream();
        var result = await Run(Options("/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo \"line $i of the training output\"; i=$((i+1)); done")
            with { StandardOutput = stdout });
        Assert.Equal(0, result.ExitCode);
        var expected = string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i} of the training output\n"));
        Assert.Equal(expected, Encoding.ASCII.GetString(stdout.ToArray()));
        Assert.Equal(expected, File.ReadAllText(LogPath));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(255)]
    public async Task The_childs_exit_code_is_returned(int code)
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var result = await Run(Options("/bin/sh", "-c", $"exit {code}"));
        Assert.Equal(code, result.ExitCode);
        Assert.Equal(RunStatus.Failed, result.Status);
    }

    [SkippableFact]
    public async Task The_child_gets_the_extra_variables_in_the_working_directory()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        Environment.SetEnvironmentVariable("GITTRACK_TEST_REMOVED", "present");
        try
        {
            var stdout = new MemoryStream();
            var result = await Run(Options("/bin/sh", "-c", "echo \"$GITTRACK_RUN_ID|$GITTRACK_EVENTS|${GITTRACK_TEST_REMOVED:-gone}|$(pwd -P)\"") with
            {
                StandardOutput = stdout,
                Environment = new Dictionary<string, string?>
                {
                    ["GITTRACK_RUN_ID"] = "abc123",
                    ["GITTRACK_EVENTS"] = "/tmp/events.jsonl",
                    ["GITTRACK_TEST_REMOVED"] = null,
                },
            });
            Assert.Equal(0, result.ExitCode);
            var realDir = new DirectoryInfo(_dir).ResolveLinkTarget(true)?.FullName ?? _dir;
            Assert.Equal($"abc123|/tmp/events.jsonl|gone|{realDir}\n", Encoding.UTF8.GetString(stdout.ToArray()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITTRACK_TEST_REMOVED", null);
        }
    }

    [SkippableFact]
    public async Task Arguments_reach_the_child_as_given_without_a_shell()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses printf");
        var stdout = new MemoryStream();
        var result = await Run(Options("printf", "%s|", "a b", "$HOME", "*", "") with { StandardOutput = stdout });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a b|$HOME|*||", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [SkippableFact]
    public async Task A_relative_program_path_is_found_from_the_working_directory()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var script = Path.Combine(_dir, "train.sh");
        File.WriteAllText(script, "#!/bin/sh\necho trained\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var stdout = new MemoryStream();
        var result = await Run(Options("./train.sh") with { StandardOutput = stdout });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("trained\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task A_command_not_found_ends_with_127_and_the_reason()
    {
        var result = await Run(Options("gittrack-no-such-command", "--flag"));
        Assert.False(result.Started);
        Assert.Equal(127, result.ExitCode);
        Assert.Equal("command not found: gittrack-no-such-command", result.Error);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Null(result.Pid);
    }

    [SkippableFact]
    public async Task A_file_that_is_not_executable_ends_with_127_and_the_reason()
    {
        Requirement.That(OperatingSystem.IsLinux(), "unix file modes");
        File.WriteAllText(Path.Combine(_dir, "data.txt"), "x");
        var result = await Run(Options("./data.txt"));
        Assert.Equal(127, result.ExitCode);
        Assert.Contains("not executable", result.Error);
        var missing = await Run(Options("./missing.sh"));
        Assert.Equal("no such file: ./missing.sh", missing.Error);
    }

    [Fact]
    public async Task A_missing_working_directory_ends_with_127()
    {
        var result = await Run(Options("true") with { WorkingDirectory = Path.Combine(_dir, "nope") });
        Assert.Equal(127, result.ExitCode);
        Assert.Contains("working directory not found", result.Error);
    }

    [Fact]
    public void An_empty_command_is_invalid_input()
    {
        Assert.Throws<GitTrack.Core.Errors.InvalidInputException>(() => TrackedProcess.Start(Options()));
    }

    [SkippableFact]
    public async Task A_forwarded_sigterm_reaches_a_child_that_traps_it_and_the_run_is_killed()
    {
        Requirement.That(OperatingSystem.IsLinux(), "posix signals");
        var stdout = new WatchStream("ready");
        var process = TrackedProcess.Start(Options(DefaultSignals.For("/bin/sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done"))
            with { StandardOutput = stdout });
        await stdout.Seen.WaitAsync(Patience);
        Assert.True(process.Forward(PosixSignal.SIGTERM));
        var result = await process.Completion.WaitAsync(Patience);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal(PosixSignal.SIGTERM, result.Interruption);
        Assert.Equal(RunStatus.Killed, result.Status);
        Assert.Equal("ready\ngot-term\n", stdout.Text);
    }

    [SkippableFact]
    public async Task A_real_sigterm_sent_to_this_process_is_passed_to_the_child_and_we_outlive_it()
    {
        Requirement.That(OperatingSystem.IsLinux(), "posix signals");
        var stdout = new WatchStream("ready");
        using var process = TrackedProcess.Start(Options(DefaultSignals.For("/bin/sh", "-c", "trap 'echo got-term; exit 9' TERM; echo ready; while :; do sleep 0.05; done"))
            with { StandardOutput = stdout, HandleSignals = true });
        await stdout.Seen.WaitAsync(Patience);
        // The test host receives a real SIGTERM: the handler cancels its default (exit) and passes it on.
        Assert.True(Native.SendSignal(Environment.ProcessId, Native.SIGTERM));
        var result = await process.Completion.WaitAsync(Patience);
        Assert.Equal(9, result.ExitCode);
        Assert.Equal(PosixSignal.SIGTERM, result.Interruption);
        Assert.Equal(RunStatus.Killed, result.Status);
    }

    [SkippableTheory]
    [InlineData(PosixSignal.SIGINT, 130)]
    [InlineData(PosixSignal.SIGTERM, 143)]
    public async Task A_child_ended_by_a_signal_reports_128_plus_its_number(PosixSignal signal, int expected)
    {
        Requirement.That(OperatingSystem.IsLinux(), "posix signals");
        var stdout = new WatchStream("ready");
        // exec: the signal goes to sleep itself, not to a shell waiting for it.
        var process = TrackedProcess.Start(Options(DefaultSignals.For("/bin/sh", "-c", "echo ready; exec sleep 30")) with { StandardOutput = stdout });
        await stdout.Seen.WaitAsync(Patience);
        process.Forward(signal);
        var result = await process.Completion.WaitAsync(Patience);
        Assert.Equal(expected, result.ExitCode);
        Assert.True(result.Interrupted);
    }

    [SkippableFact]
    public async Task A_background_process_left_holding_the_pipes_does_not_hold_up_the_run()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var stdout = new MemoryStream();
        var result = await Run(Options("/bin/sh", "-c", "sleep 5 & echo done") with
        {
            StandardOutput = stdout,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("done\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [SkippableFact]
    public async Task A_broken_passthrough_keeps_the_child_running_and_the_log_complete()
    {
        Requirement.That(OperatingSystem.IsLinux(), "uses /bin/sh");
        var result = await Run(Options("/bin/sh", "-c", "echo one; sleep 0.1; echo two; exit 4") with { StandardOutput = new BrokenStream() });
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("one\ntwo\n", File.ReadAllText(LogPath));
    }

    /// <summary>A stream that remembers what was written and completes <see cref="Seen"/> once it holds a marker.</summary>
    private sealed class WatchStream(string marker) : MemoryStream
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            if (Text.Contains(marker))
                _seen.TrySetResult();
        }
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");
    }
}
