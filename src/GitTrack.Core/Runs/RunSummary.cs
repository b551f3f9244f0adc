namespace GitTrack.Core.Runs;

/// <summary>
/// What <c>gittrack ls</c> shows of a run and what its filters read, kept in the local index so listing and
/// filtering 10,000 runs reads no manifest. The dictionaries are not sorted: sort their keys when the order matters.
/// </summary>
public sealed record RunSummary
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public RunStatus Status { get; init; }
    public int? ExitCode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public ProcessInfo? Process { get; init; }
    /// <summary>The commit the run's code was based on (<c>source.commit</c>).</summary>
    public string? SourceCommit { get; init; }
    /// <summary>The branch checked out when the run started (<c>source.branch</c>), null on a detached HEAD.</summary>
    public string? SourceBranch { get; init; }
    /// <summary>The run this one was started inside (nested runs), or null.</summary>
    public string? Parent { get; init; }
    public string? Note { get; init; }
    /// <summary>When <c>gittrack rm</c> hid the run (its tombstone, docs/format.md), or null for a listed run.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>
    /// The remote whose copy of the runs branch is the only one holding this run (fetched, not yet pulled into the
    /// local branch: <c>gittrack pull</c> brings it), or null when the local branch has it.
    /// </summary>
    public string? OnlyOn { get; init; }
    public IReadOnlyDictionary<string, object> Params { get; init; } = new SortedDictionary<string, object>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The data the run read (<c>inputs.path</c>, <c>input</c> filters; lineage), by path.</summary>
    public IReadOnlyList<InputEntry> Inputs { get; init; } = [];
    /// <summary>The distinct content keys of the run's artifacts (lineage: which run made an input), unordered.</summary>
    public IReadOnlyList<Hashing.Blake3Hash> ArtifactKeys { get; init; } = [];

    public TimeSpan? Duration => EndedAt is { } end ? end - StartedAt : null;

    public bool IsDeleted => DeletedAt is not null;

    public static RunSummary Of(RunRecord run, DateTimeOffset? deletedAt = null) => new()
    {
        Id = run.Id,
        Name = run.Name,
        Status = run.Status,
        ExitCode = run.ExitCode,
        StartedAt = run.StartedAt,
        EndedAt = run.EndedAt,
        Process = run.Process,
        SourceCommit = run.Source.Commit,
        SourceBranch = run.Source.Branch,
        Parent = run.Parent,
        Note = run.Note,
        DeletedAt = deletedAt,
        Params = run.Params,
        Metrics = run.Metrics,
        Tags = run.Tags,
        Inputs = run.Inputs,
        ArtifactKeys = [.. run.Artifacts.Select(a => a.Key).Distinct()],
    };
}
