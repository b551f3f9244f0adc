namespace GitTrack.Cli;

/// <summary>
/// What a command needs from the outside world: output streams, the folder it runs in, whether it talks to a
/// terminal. Tests build one over string writers to run commands in-process.
/// </summary>
public sealed class CommandContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required string WorkingDirectory { get; init; }
    /// <summary>True when standard output is an interactive terminal (tables, colour).</summary>
    public bool OutIsTerminal { get; init; }
    /// <summary>True when standard error is an interactive terminal (progress bars).</summary>
    public bool ErrorIsTerminal { get; init; }
    /// <summary>True when a person can answer a prompt (git's credential helpers may ask one on push and pull).</summary>
    public bool Interactive { get; init; }
    /// <summary>True when NO_COLOR is set (to anything but the empty string): no colour even on a terminal.</summary>
    public bool NoColor { get; init; } = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
    /// <summary>Colour only on a terminal, and never when NO_COLOR is set.</summary>
    public bool UseColor => OutIsTerminal && !NoColor;

    /// <summary>Raw standard output for binary content (cache cat); null in tests, which use <see cref="Out"/>.</summary>
    public Func<Stream>? OpenStandardOutput { get; init; }

    /// <summary>Raw standard error, for passing a tracked command's output through unchanged; null in tests.</summary>
    public Func<Stream>? OpenStandardError { get; init; }

    /// <summary>The context of the real process.</summary>
    public static CommandContext ForConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        WorkingDirectory = Environment.CurrentDirectory,
        OutIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
        Interactive = !Console.IsInputRedirected && !Console.IsErrorRedirected,
        OpenStandardOutput = Console.OpenStandardOutput,
        OpenStandardError = Console.OpenStandardError,
    };

    /// <summary>
    /// Opens the runs store of the repository around <see cref="WorkingDirectory"/>, printing what it did by itself
    /// (a run recovered after its recorder died, a pruned tip repaired) as warnings.
    /// </summary>
    public GitTrack.Core.Storage.RunStore OpenStore() => OpenStore(GitTrack.Core.Storage.GitDirectories.Discover(WorkingDirectory));

    /// <summary>Opens the run store of known directories, printing its notices (a reset pruned tip, recovered runs).</summary>
    public GitTrack.Core.Storage.RunStore OpenStore(GitTrack.Core.Storage.GitDirectories directories)
    {
        var store = GitTrack.Core.Storage.RunStore.Open(directories);
        foreach (var notice in store.TakeNotices())
            Error.WriteLine($"gittrack: warning: {notice}");
        return store;
    }

    /// <summary>Resolves a user-given path against the working directory.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
