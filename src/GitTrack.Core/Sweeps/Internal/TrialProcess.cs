using System.ComponentModel;
using System.Diagnostics;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Sweeps.Internal;

/// <summary>
/// One trial: a <c>gittrack run</c> child process of its own, sharing the sweep's terminal (stdin, stdout and stderr
/// are inherited, so the trial's output and its one closing line appear as they come). The child records the trial
/// run itself; a signal passed to it ends that run <c>killed</c>, as a Ctrl-C on <c>gittrack run</c> would.
/// </summary>
internal sealed class TrialProcess : IDisposable
{
    private readonly Process? _process;

    private TrialProcess(TrialPlan trial, string name, string? gpu, Process? process, Task<int> exited)
    {
        Trial = trial;
        Name = name;
        Gpu = gpu;
        _process = process;
        Exited = exited;
    }

    public TrialPlan Trial { get; }
    public string Name { get; }
    public string? Gpu { get; }
    /// <summary>The child's exit code: that of <c>gittrack run</c>, which is the trial command's (127: could not start).</summary>
    public Task<int> Exited { get; }

    public static TrialProcess Start(TrialPlan trial, string name, string? gpu, IReadOnlyList<string> argv, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, Action<string>? warn)
    {
        var info = new ProcessStartInfo(argv[0]) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var argument in argv.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        try
        {
            var process = Process.Start(info) ?? throw new Win32Exception("the process did not start");
            return new TrialProcess(trial, name, gpu, process, WaitAsync(process));
        }
        catch (Win32Exception e)
        {
            warn?.Invoke($"cannot start {argv[0]} for trial {name}: {e.Message}");
            return new TrialProcess(trial, name, gpu, null, Task.FromResult(127));
        }
    }

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Sends signal <paramref name="number"/> to the child; false when it is gone.</summary>
    public bool Signal(int number)
    {
        try
        {
            return _process is { HasExited: false } && Native.SendSignal(_process.Id, number);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose() => _process?.Dispose();
}
