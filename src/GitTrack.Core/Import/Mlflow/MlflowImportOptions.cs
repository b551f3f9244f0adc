namespace GitTrack.Core.Import.Mlflow;

/// <summary>What <c>gittrack import mlflow</c> imports: the store, which experiments, and how.</summary>
public sealed record MlflowImportOptions
{
    /// <summary>The MLflow file store: the folder holding <c>&lt;experiment id&gt;/meta.yaml</c> (usually <c>mlruns/</c>).</summary>
    public required string StorePath { get; init; }
    /// <summary>Experiments to import, by name or id; empty imports all.</summary>
    public IReadOnlyList<string> Experiments { get; init; } = [];
    /// <summary>Read and count everything, write nothing (no commit, no cache object).</summary>
    public bool DryRun { get; init; }
    /// <summary>Leave deleted runs and experiments out instead of importing them hidden.</summary>
    public bool SkipDeleted { get; init; }
    /// <summary>The most metric points read from one run; the rest are reported and left out.</summary>
    public long MaxPointsPerRun { get; init; } = 5_000_000;
    /// <summary>Called as each run is imported (its MLflow id and the GitTrack name it got).</summary>
    public Action<string>? Progress { get; init; }
}
