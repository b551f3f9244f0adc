using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Runs a tracked command: no shell, the argv as given, extra environment variables. The child's stdout and
/// stderr pass through to the given streams byte for byte as they arrive (progress bars with \r keep working)
/// while both are copied, interleaved, into the log file, with bounded memory. With
/// <see cref="TrackedProcessOptions.HandleSignals"/>, SIGINT, SIGTERM and SIGHUP sent to gittrack are passed to the
/// child and gittrack stays alive to record how it ended. A command that cannot be started is a result
/// (exit code 127 and the reason), not an exception.
/// </summary>
public sealed class TrackedProcess : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly TrackedProcessOptions _options;
    private readonly Process? _process;
    private readonly FileStream? _log;
    private readonly object _logLock = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Task<TrackedProcessResult> _completion;
    private long _logBytes;
    private int _interruption; // 0, or the PosixSignal value (negative) of the first signal passed on

    private TrackedProcess(TrackedProcessOptions options, Process? process, FileStream? log, string? error, DateTimeOffset startedAt)
    {
        _options = options;
        _process = process;
        _log = log;
        StartedAt = startedAt;
        if (process is null)
        {
            _completion = Task.FromResult(new TrackedProcessResult
            {
                ExitCode = TrackedProcessResult.CannotStartExitCode,
                Started = false,
                Error = error,
                StartedAt = startedAt,
                EndedAt = DateTimeOffset.UtcNow,
            });
            return;
        }
        Pid = process.Id;
        if (options.HandleSignals && !OperatingSystem.IsWindows())
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        _completion = RunAsync(process);
    }

    /// <summary>The child's process id; null when it could not be started.</summary>
    public int? Pid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes when the child has exited and its output is drained (or abandoned after the drain timeout).</summary>
    public Task<TrackedProcessResult> Completion => _completion;

    /// <summary>Starts the command. Throws only for a programming error (an empty command); every start failure is a result.</summary>
    public static TrackedProcess Start(TrackedProcessOptions options)
    {
        if (options.Command.Count == 0 || options.Command[0].Length == 0)
            throw new InvalidInputException("no command to run", "give it after gittrack's options, as in: gittrack run python train.py");
        var startedAt = DateTimeOffset.UtcNow;
        var name = options.Command[0];
        if (!Directory.Exists(options.WorkingDirectory))
            return Failed(options, $"cannot run {name}: working directory not found: {options.WorkingDirectory}", startedAt);

        var path = options.Environment.TryGetValue("PATH", out var childPath) ? childPath : Environment.GetEnvironmentVariable("PATH");
        var program = ExecutableLookup.Find(name, path, options.WorkingDirectory);
        if (program is null)
        {
            var reason = name.Contains('/')
                ? File.Exists(Path.GetFullPath(name, options.WorkingDirectory)) ? $"permission denied: {name} is not executable" : $"no such file: {name}"
                : $"command not found: {name}";
            return Failed(options, reason, startedAt);
        }

        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = options.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // stdin stays the terminal's: an interactive debugger (pdb) in the child keeps working.
            RedirectStandardInput = false,
        };
        foreach (var argument in options.Command.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }

        FileStream? log = null;
        try
        {
            if (options.LogPath is not null)
                log = new FileStream(options.LogPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            var process = Process.Start(info) ?? throw new Win32Exception("the process did not start");
            return new TrackedProcess(options, process, log, null, startedAt);
        }
        catch (Win32Exception e)
        {
            log?.Dispose();
            return Failed(options, $"cannot run {name}: {e.Message}", startedAt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Dispose();
            throw new InvalidInputException($"cannot write the run's log {options.LogPath}: {e.Message}", null, e);
        }
    }

    private static TrackedProcess Failed(TrackedProcessOptions options, string reason, DateTimeOffset startedAt) =>
        new(options, null, null, reason, startedAt);

    /// <summary>
    /// Passes <paramref name="signal"/> on to the child and marks the run as interrupted (the first signal is the one
    /// recorded). What the signal handlers call; callable directly (a timeout, a test). False when the child is gone.
    /// </summary>
    public bool Forward(PosixSignal signal)
    {
        Interlocked.CompareExchange(ref _interruption, (int)signal, 0);
        return Pid is { } pid && !HasExited && Native.SendSignal(pid, Native.Number(signal));
    }

    /// <summary>Sends SIGKILL to the child (it cannot be caught); does not mark the run as interrupted by itself.</summary>
    public bool Kill() => Pid is { } pid && !HasExited && Native.SendSignal(pid, Native.SIGKILL);

    private bool HasExited
    {
        get
        {
            try
            {
                return _process is null || _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // gittrack outlives the child to record how it ended.
        context.Cancel = true;
        // A Ctrl-C typed at the terminal already reached the child (same foreground process group): sending it again
        // would interrupt the child's own clean-up. A signal sent to gittrack alone (kill, a scheduler) is passed on.
        if (context.Signal is PosixSignal.SIGINT or PosixSignal.SIGHUP && Native.IsInTerminalForeground())
            Interlocked.CompareExchange(ref _interruption, (int)context.Signal, 0);
        else
            Forward(context.Signal);
    }

    private async Task<TrackedProcessResult> RunAsync(Process process)
    {
        var stdout = PumpAsync(process.StandardOutput.BaseStream, _options.StandardOutput);
        var stderr = PumpAsync(process.StandardError.BaseStream, _options.StandardError);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var endedAt = DateTimeOffset.UtcNow;
        // A background process the child left behind may hold the pipes open: read what is there, then move on.
        var drained = Task.WhenAll(stdout, stderr);
        await Task.WhenAny(drained, Task.Delay(_options.DrainTimeout)).ConfigureAwait(false);
        int exitCode = process.ExitCode;
        DisposeRegistrations();
        lock (_logLock)
        {
            _log?.Flush();
            _log?.Dispose();
        }
        int interruption = Volatile.Read(ref _interruption);
        return new TrackedProcessResult
        {
            ExitCode = exitCode,
            Started = true,
            Pid = Pid,
            StartedAt = StartedAt,
            EndedAt = endedAt,
            Interruption = interruption == 0 ? null : (PosixSignal)interruption,
            LogBytes = Interlocked.Read(ref _logBytes),
        };
    }

    private async Task PumpAsync(Stream source, Stream? passthrough)
    {
        var buffer = new byte[ChunkSize];
        bool passthroughBroken = passthrough is null;
        try
        {
            while (true)
            {
                int read = await source.ReadAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                    break;
                if (!passthroughBroken)
                {
                    try
                    {
                        // Whole chunks as they arrive, flushed at once: the terminal sees what the child wrote, when it wrote it.
                        lock (passthrough!)
                        {
                            passthrough.Write(buffer, 0, read);
                            passthrough.Flush();
                        }
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
                    {
                        // Our reader went away (`gittrack run ... | head`): keep the child running and the log complete.
                        passthroughBroken = true;
                    }
                }
                lock (_logLock)
                {
                    if (_log is { CanWrite: true })
                    {
                        _log.Write(buffer, 0, read);
                        _logBytes += read;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe was closed under us after the drain timeout; what was read is in the log.
        }
    }

    private void DisposeRegistrations()
    {
        lock (_registrations)
        {
            foreach (var registration in _registrations)
                registration.Dispose();
            _registrations.Clear();
        }
    }

    public void Dispose()
    {
        DisposeRegistrations();
        _process?.Dispose();
    }
}
