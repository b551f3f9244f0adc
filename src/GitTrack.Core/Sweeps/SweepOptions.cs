namespace GitTrack.Core.Sweeps;

/// <summary>How <see cref="SweepRunner"/> runs the trials of a sweep (not part of what the trials are).</summary>
public sealed record SweepOptions
{
    /// <summary>The folder the sweep runs in (the repository is found from it; trials run there).</summary>
    public required string WorkingDirectory { get; init; }
    /// <summary>The command line that starts gittrack itself (each trial is a <c>gittrack run</c> of this executable).</summary>
    public required IReadOnlyList<string> Gittrack { get; init; }
    /// <summary>How many trials run at the same time.</summary>
    public int Jobs { get; init; } = 1;
    /// <summary>GPU ids handed out as CUDA_VISIBLE_DEVICES, one per trial, to the least busy in turn; empty leaves it alone.</summary>
    public IReadOnlyList<string> Gpus { get; init; } = [];
    /// <summary>Start no new trial once this many have failed; null for no limit.</summary>
    public int? MaxFailures { get; init; }
    /// <summary>The options above as written, for the parent run's recorded command line.</summary>
    public IReadOnlyList<string> ExecutionOptions { get; init; } = [];
    public string? GittrackVersion { get; init; }
    /// <summary>Called with each line of progress (a trial starting, the sweep ending).</summary>
    public Action<string>? Report { get; init; }
    /// <summary>Called with each warning worth showing.</summary>
    public Action<string>? Warn { get; init; }
}
