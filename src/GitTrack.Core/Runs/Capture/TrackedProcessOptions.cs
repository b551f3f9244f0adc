namespace GitTrack.Core.Runs.Capture;

/// <summary>What <see cref="TrackedProcess.Start"/> runs, and where its output goes.</summary>
public sealed record TrackedProcessOptions
{
    /// <summary>The program and its arguments, as given (no shell); the program is looked up in PATH unless it holds a slash.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    public required string WorkingDirectory { get; init; }

    /// <summary>Variables set for the child on top of this process's environment (a null value removes one): GITTRACK_RUN_ID, GITTRACK_EVENTS, GITTRACK_PARAMS.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where the child's stdout is passed through, unchanged, as it comes; null discards it.</summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>Where the child's stderr is passed through, unchanged, as it comes; null discards it.</summary>
    public Stream? StandardError { get; init; }

    /// <summary>File that receives stdout and stderr interleaved in arrival order (the run's log); null keeps none.</summary>
    public string? LogPath { get; init; }

    /// <summary>Catch SIGINT, SIGTERM and SIGHUP while the child runs, pass them on and outlive it (the CLI); tests leave it off.</summary>
    public bool HandleSignals { get; init; }

    /// <summary>How long to keep reading the child's output after it exited, should a process it left behind hold the pipes open.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
