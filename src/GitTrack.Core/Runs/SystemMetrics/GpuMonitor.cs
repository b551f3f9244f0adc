using System.Diagnostics;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// Keeps one <c>nvidia-smi --query-gpu=... -l N</c> process running (<see cref="GpuQuery"/>) and remembers the last
/// line each GPU printed. <see cref="Current"/> gives the GPUs heard from recently: a GPU that falls off the bus (its
/// lines stop, or become a driver message) drops out after two intervals instead of repeating its last values.
/// Never throws: no nvidia-smi, a broken driver or an nvidia-smi that exits leave it empty.
/// </summary>
public sealed class GpuMonitor : IDisposable
{
    private readonly Dictionary<int, (GpuSample Sample, DateTimeOffset At)> _latest = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _staleAfter;
    private readonly Process? _process;
    private readonly Task _reading = Task.CompletedTask;
    private bool _disposed;

    private GpuMonitor(TimeSpan interval, TimeProvider? time, Process? process)
    {
        _time = time ?? TimeProvider.System;
        _staleAfter = interval * 2 + TimeSpan.FromSeconds(2);
        _process = process;
        if (process is not null)
        {
            _reading = Task.Run(() => ReadAsync(process.StandardOutput));
            // Error output is read only so that a chatty driver can never fill the pipe and stall nvidia-smi.
            _ = Task.Run(() => DrainAsync(process.StandardError));
        }
    }

    /// <summary>Whether nvidia-smi was found and started (it may have exited since).</summary>
    public bool Started => _process is not null;

    /// <summary>Starts nvidia-smi (the first one on PATH, or <paramref name="program"/>) sampling every <paramref name="interval"/>.</summary>
    public static GpuMonitor Start(TimeSpan interval, string? program = null, TimeProvider? time = null)
    {
        var path = program ?? ExecutableLookup.Find("nvidia-smi", Environment.GetEnvironmentVariable("PATH"), Environment.CurrentDirectory);
        if (path is null)
            return new GpuMonitor(interval, time, null);
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Never let it read the terminal the tracked command is using.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in GpuQuery.Arguments(interval))
            info.ArgumentList.Add(argument);
        try
        {
            var process = Process.Start(info);
            if (process is null)
                return new GpuMonitor(interval, time, null);
            process.StandardInput.Close();
            return new GpuMonitor(interval, time, process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return new GpuMonitor(interval, time, null);
        }
    }

    /// <summary>A monitor fed by <see cref="Accept"/> alone (recorded output in tests).</summary>
    internal static GpuMonitor WithoutProcess(TimeSpan interval, TimeProvider time) => new(interval, time, null);

    /// <summary>The last sample of each GPU heard from within two intervals, by index.</summary>
    public IReadOnlyList<GpuSample> Current()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
            return _latest.Values.Where(v => now - v.At <= _staleAfter).Select(v => v.Sample).OrderBy(s => s.Index).ToList();
    }

    /// <summary>Takes one line of nvidia-smi's output; lines that are not a GPU's are ignored.</summary>
    internal void Accept(string line)
    {
        if (GpuQuery.ParseLine(line) is not { } sample)
            return;
        var now = _time.GetUtcNow();
        lock (_lock)
            _latest[sample.Index] = (sample, now);
    }

    private async Task ReadAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
                Accept(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // nvidia-smi ended or was stopped: the GPUs go stale and drop out.
        }
    }

    private static async Task DrainAsync(StreamReader errors)
    {
        try
        {
            var buffer = new char[4096];
            while (await errors.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        if (_process is null || _disposed)
            return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.WaitForExit(2000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        _reading.Wait(TimeSpan.FromSeconds(2));
        _process.Dispose();
    }
}
