using GitTrack.Core.Runs;

namespace GitTrack.Core.Query;

/// <summary>The query language's view of a <see cref="RunSummary"/> (what the local index holds, what <c>ls</c> filters).</summary>
public sealed class RunSummaryFields : RunFields<RunSummary>
{
    public static readonly RunSummaryFields Instance = new();

    public override string Id(RunSummary run) => run.Id;
    public override string? Name(RunSummary run) => run.Name;
    public override RunStatus Status(RunSummary run) => run.Status;
    public override DateTimeOffset? StartedAt(RunSummary run) => run.StartedAt;
    public override DateTimeOffset? EndedAt(RunSummary run) => run.EndedAt;
    public override int? ExitCode(RunSummary run) => run.ExitCode;
    public override string? SourceCommit(RunSummary run) => run.SourceCommit;
    public override string? SourceBranch(RunSummary run) => run.SourceBranch;
    public override string? Parent(RunSummary run) => run.Parent;
    public override IReadOnlyDictionary<string, object>? Params(RunSummary run) => run.Params;
    public override IReadOnlyDictionary<string, double>? Metrics(RunSummary run) => run.Metrics;
    public override IReadOnlyDictionary<string, string>? Tags(RunSummary run) => run.Tags;
    public override IReadOnlyList<InputEntry>? Inputs(RunSummary run) => run.Inputs;
}
