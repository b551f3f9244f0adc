using GitTrack.Core.Runs;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// A run the MLflow server is recording now: the GitTrack run of <c>gittrack run</c> itself, or a child run it started
/// for <c>start_run(nested=True)</c>. Keeps, as MLflow holds them, what was logged through the API (params as text,
/// tags, every metric point), so <c>runs/get</c> and <c>metrics/get-history</c> answer before anything is committed.
/// </summary>
internal sealed class LiveRun(RunSession session, bool isRoot)
{
    public RunSession Session { get; } = session;
    public bool IsRoot { get; } = isRoot;
    public string Id => Session.Run.Id;
    public string ExperimentId { get; set; } = "0";
    public string Name { get; set; } = session.Run.Name;
    public DateTimeOffset StartedAt { get; } = session.Run.StartedAt;
    /// <summary>The status the script gave (RUNNING until end_run); GitTrack records the run's own at its end.</summary>
    public string Status { get; set; } = "RUNNING";
    public long? EndTime { get; set; }
    public bool Ended { get; set; }
    public string? Parent { get; } = session.Run.Parent;
    public SortedDictionary<string, string> Params { get; } = new(session.Run.Params.ToDictionary(p => p.Key, p => Core.Mlflow.MlflowValues.ParamText(p.Value)), StringComparer.Ordinal);
    public SortedDictionary<string, string> Tags { get; } = new(session.Run.Tags.ToDictionary(), StringComparer.Ordinal);
    public Dictionary<string, List<MetricPoint>> History { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ArtifactEntry> Artifacts { get; } = new(StringComparer.Ordinal);
}
