using System.Diagnostics;
using System.Text;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// A real <c>gittrack ui --port 0</c> process serving a test repository: waits for the URL line it prints, hands out
/// an <see cref="HttpClient"/> for it, and is stopped (with its standard error kept) on Dispose.
/// </summary>
public sealed class UiProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    public UiProcess(TempGitRepo repo, params string[] extraArgs) : this(repo, null, extraArgs)
    {
    }

    /// <summary>Starts it with <paramref name="extraEnvironment"/> added to the repository's isolated environment.</summary>
    public UiProcess(TempGitRepo repo, IReadOnlyDictionary<string, string>? extraEnvironment, params string[] extraArgs)
    {
        // With the default action for SIGINT (Interrupt), however the test run itself was started.
        var command = DefaultSignals.For([.. GitTrackProcess.CommandLine, "ui", "--port", "0", .. extraArgs]);
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command[1..])
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in repo.Environment)
            info.Environment[key] = value;
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
        var firstLine = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"gittrack ui exited before printing its URL: {Stderr}");
        FirstLine = firstLine;
        var start = firstLine.IndexOf("http://", StringComparison.Ordinal);
        Url = new Uri(firstLine[start..].Split(' ')[0]);
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Url { get; }
    public string FirstLine { get; }
    public HttpClient Client { get; }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does, and returns the exit code (null when it did not stop).</summary>
    public int? Interrupt(TimeSpan wait)
    {
        ProcessRunner.Run("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.GetTempPath());
        return _process.WaitForExit(wait) ? _process.ExitCode : null;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
