using System.Diagnostics;
using System.Text;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// A real process started without waiting for it: its output is collected as it comes, a test can send it a signal
/// (<c>kill -s NAME pid</c>) or kill it, and Dispose kills whatever is still running.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BackgroundProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static BackgroundProcess Start(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var background = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (background._stdout) background._stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (background._stderr) background._stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return background;
    }

    /// <summary>Sends a signal by name (TERM, INT, KILL) with the system's kill command.</summary>
    public void Signal(string name)
    {
        var result = ProcessRunner.Run("kill", ["-s", name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.GetTempPath());
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"kill -s {name} {Pid} failed: {result.Stderr}");
    }

    /// <summary>Waits for the process to end and returns what it printed (lines joined with \n).</summary>
    public ProcessResult WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"process {Pid} did not end in time");
        _process.WaitForExit(); // flushes the asynchronous output readers
        lock (_stdout)
            lock (_stderr)
                return new ProcessResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; throws after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
