using System.Globalization;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// A real terminal for full-screen tests: a tmux server of its own (its socket in a temporary folder, no user
/// configuration) running one command in a detached window of a given size. The test reads the screen with
/// <c>capture-pane</c>, types with <c>send-keys</c> and resizes with <c>resize-window</c>; Dispose ends the server.
/// </summary>
public sealed class TmuxSession : IDisposable
{
    private readonly string _folder;
    private readonly string _socket;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private TmuxSession(string folder, IReadOnlyDictionary<string, string> environment)
    {
        _folder = folder;
        _socket = Path.Combine(folder, "socket");
        _environment = environment;
    }

    public static bool Available => ProcessRunner.IsOnPath("tmux");

    /// <summary>
    /// Starts <paramref name="argv"/> in <paramref name="workingDirectory"/> in a <paramref name="width"/> x
    /// <paramref name="height"/> window; when it exits, its exit code is kept for <see cref="ExitCode"/>.
    /// </summary>
    public static TmuxSession Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, int width, int height, params string[] argv)
    {
        var folder = Directory.CreateTempSubdirectory("gittrack-tmux-").FullName;
        var session = new TmuxSession(folder, environment);
        var exitFile = Path.Combine(folder, "exit");
        // The pane stays open after the command so that the screen it left behind can be read.
        var shell = $"{string.Join(' ', argv.Select(Quote))}; echo $? > {Quote(exitFile)}; sleep 600";
        session.Tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", Number(width), "-y", Number(height), "-c", workingDirectory, shell);
        return session;
    }

    /// <summary>The screen as text, one line per row (trailing spaces trimmed).</summary>
    public string[] Capture() => Tmux("capture-pane", "-p", "-t", "t").TrimEnd('\n').Split('\n');

    public void SendKeys(params string[] keys) => Tmux(["send-keys", "-t", "t", .. keys]);

    public void Resize(int width, int height) => Tmux("resize-window", "-t", "t", "-x", Number(width), "-y", Number(height));

    /// <summary>A tmux format about the pane, e.g. <c>#{alternate_on}</c> (1 while a program uses the alternate screen) or <c>#{cursor_flag}</c>.</summary>
    public string Display(string format) => Tmux("display-message", "-p", "-t", "t", format).Trim();

    /// <summary>The command's exit code once it has exited, else null.</summary>
    public int? ExitCode
    {
        get
        {
            var path = Path.Combine(_folder, "exit");
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
                ? code : null;
        }
    }

    /// <summary>Reads the screen until <paramref name="condition"/> holds; throws with the last screen after <paramref name="timeout"/>.</summary>
    public string[] WaitForScreen(Func<string[], bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var screen = Capture();
            if (condition(screen))
                return screen;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; the screen was:\n{string.Join('\n', screen)}");
            Thread.Sleep(200);
        }
    }

    private string Tmux(params string[] args)
    {
        var result = ProcessRunner.Run("tmux", ["-S", _socket, .. args], _folder, _environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public void Dispose()
    {
        try
        {
            ProcessRunner.Run("tmux", ["-S", _socket, "kill-server"], _folder, _environment);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
