using GitTrack.Core.Runs;

namespace GitTrack.Core.Query;

/// <summary>The query language's view of a <see cref="RunRecord"/> (a run's full manifest).</summary>
public sealed class RunRecordFields : RunFields<RunRecord>
{
    public static readonly RunRecordFields Instance = new();

    public override string Id(RunRecord run) => run.Id;
    public override string? Name(RunRecord run) => run.Name;
    public override RunStatus Status(RunRecord run) => run.Status;
    public override DateTimeOffset? StartedAt(RunRecord run) => run.StartedAt;
    public override DateTimeOffset? EndedAt(RunRecord run) => run.EndedAt;
    public override int? ExitCode(RunRecord run) => run.ExitCode;
    public override string? SourceCommit(RunRecord run) => run.Source.Commit;
    public override string? SourceBranch(RunRecord run) => run.Source.Branch;
    public override string? Parent(RunRecord run) => run.Parent;
    public override IReadOnlyDictionary<string, object>? Params(RunRecord run) => run.Params;
    public override IReadOnlyDictionary<string, double>? Metrics(RunRecord run) => run.Metrics;
    public override IReadOnlyDictionary<string, string>? Tags(RunRecord run) => run.Tags;
    public override IReadOnlyList<InputEntry>? Inputs(RunRecord run) => run.Inputs;
}
