namespace GitTrack.Core.Runs;

/// <summary>
/// What <c>gittrack ls</c> shows of a run, kept in the local index so listing 10,000 runs reads no manifest.
/// The dictionaries are not sorted: sort their keys when the order matters.
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
    /// <summary>The id of the run this one is nested under, if any (see <see cref="RunRecord.Parent"/>).</summary>
    public string? Parent { get; init; }
    public IReadOnlyDictionary<string, object> Params { get; init; } = new SortedDictionary<string, object>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public TimeSpan? Duration => EndedAt is { } end ? end - StartedAt : null;

    public static RunSummary Of(RunRecord run) => new()
    {
        Id = run.Id,
        Name = run.Name,
        Status = run.Status,
        ExitCode = run.ExitCode,
        StartedAt = run.StartedAt,
        EndedAt = run.EndedAt,
        Process = run.Process,
        Parent = run.Parent,
        Params = run.Params,
        Metrics = run.Metrics,
        Tags = run.Tags,
    };
}
