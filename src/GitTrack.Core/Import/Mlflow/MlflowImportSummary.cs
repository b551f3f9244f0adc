namespace GitTrack.Core.Import.Mlflow;

/// <summary>
/// What an import did (or, with <see cref="DryRun"/>, would do): experiments read, runs imported and recognised as
/// imported before, the params, metric points and artifacts of the runs imported, and every piece skipped, with why.
/// </summary>
public sealed class MlflowImportSummary
{
    public required string Store { get; init; }
    public bool DryRun { get; init; }
    /// <summary>Experiments read (deleted ones included), after the <c>--experiment</c> filter.</summary>
    public int Experiments { get; internal set; }
    /// <summary>Runs found in those experiments (folders with a readable meta.yaml).</summary>
    public int RunsFound { get; internal set; }
    public int Imported { get; internal set; }
    /// <summary>Of <see cref="Imported"/>: runs with a parent (nested).</summary>
    public int Nested { get; internal set; }
    /// <summary>Of <see cref="Imported"/>: deleted in MLflow, imported hidden (<c>gittrack ls --all</c> shows them).</summary>
    public int Hidden { get; internal set; }
    /// <summary>Runs already on the branch from an earlier import (left as they are).</summary>
    public int AlreadyImported { get; internal set; }
    /// <summary>Deleted runs left out because of <c>--skip-deleted</c>.</summary>
    public int SkippedDeleted { get; internal set; }
    public long Params { get; internal set; }
    public long Tags { get; internal set; }
    public long MetricPoints { get; internal set; }
    public int Artifacts { get; internal set; }
    public long ArtifactBytes { get; internal set; }
    /// <summary>Every piece left out, in the order found.</summary>
    public List<ImportProblem> Skipped { get; } = [];
    /// <summary>The runs imported: MLflow run id, GitTrack id and name.</summary>
    public List<(string MlflowId, string Id, string Name)> Runs { get; } = [];
}
