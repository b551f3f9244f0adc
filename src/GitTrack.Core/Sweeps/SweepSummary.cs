using System.Globalization;
using GitTrack.Core.Diff;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// Where a sweep stands, read from its trial runs (children of the parent with a <c>trial</c> tag): how many trials
/// completed, failed or were killed (each trial counted by its latest run), which did not complete yet, and the best
/// completed trial by the sweep's metric. Its <see cref="Tags"/> are what the parent records when a sweep ends.
/// </summary>
public sealed class SweepSummary
{
    public const string CompletedTag = "sweep.completed";
    public const string FailedTag = "sweep.failed";
    public const string KilledTag = "sweep.killed";
    public const string BestTag = "sweep.best";
    public const string BestValueTag = "sweep.best_value";

    private readonly Dictionary<int, List<RunSummary>> _attempts;

    private SweepSummary(SweepDefinition definition, Dictionary<int, List<RunSummary>> attempts)
    {
        Definition = definition;
        _attempts = attempts;
        var latest = attempts.Values.Select(list => list[^1]).ToList();
        Completed = latest.Count(r => r.Status == RunStatus.Completed);
        Failed = latest.Count(r => r.Status == RunStatus.Failed);
        Killed = latest.Count(r => r.Status is RunStatus.Killed or RunStatus.Crashed);
        Running = latest.Count(r => r.Status == RunStatus.Running);
        var completed = attempts.Values.SelectMany(list => list).Where(r => r.Status == RunStatus.Completed).ToList();
        Metric = definition.Metric ?? InferMetric(completed);
        if (Metric is not null)
        {
            Goal = definition.Goal != MetricDirection.Unknown ? definition.Goal : MetricDirections.FromName(Metric);
            if (Goal != MetricDirection.Unknown)
                Best = completed
                    .Where(r => r.Metrics.TryGetValue(Metric, out var v) && !double.IsNaN(v))
                    .OrderBy(r => Goal == MetricDirection.Max ? -r.Metrics[Metric] : r.Metrics[Metric])
                    .ThenByDescending(r => r.StartedAt)
                    .FirstOrDefault();
        }
    }

    public SweepDefinition Definition { get; }
    public int Completed { get; }
    public int Failed { get; }
    /// <summary>Trials whose latest run was killed (or whose recorder died).</summary>
    public int Killed { get; }
    public int Running { get; }
    /// <summary>Trials with at least one run.</summary>
    public int Ran => _attempts.Count;
    /// <summary>The metric that picks the best trial: the sweep's own, else the one the trials logged (see <see cref="InferMetric"/>).</summary>
    public string? Metric { get; }
    public MetricDirection Goal { get; }
    /// <summary>The best completed trial run, or null (no metric, unknown direction, or no trial has it).</summary>
    public RunSummary? Best { get; }
    public double? BestValue => Best is { } best && Metric is { } metric ? best.Metrics[metric] : null;

    /// <summary>Reads the trials of the sweep whose parent run is <paramref name="parentId"/> from a listing of runs.</summary>
    public static SweepSummary Of(SweepDefinition definition, string parentId, IEnumerable<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(runs);
        var attempts = new Dictionary<int, List<RunSummary>>();
        foreach (var run in runs.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            if (run.Parent != parentId || !run.Tags.TryGetValue(SweepDefinition.TrialTag, out var text)
                || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                continue;
            if (!attempts.TryGetValue(number, out var list))
                attempts[number] = list = [];
            list.Add(run);
        }
        return new SweepSummary(definition, attempts);
    }

    /// <summary>How many runs trial <paramref name="number"/> has had.</summary>
    public int Attempts(int number) => _attempts.TryGetValue(number, out var list) ? list.Count : 0;

    /// <summary>Whether some run of trial <paramref name="number"/> completed.</summary>
    public bool HasCompleted(int number) => _attempts.TryGetValue(number, out var list) && list.Exists(r => r.Status == RunStatus.Completed);

    /// <summary>
    /// The metric to rank trials by when the sweep names none: the only metric the completed trials logged, else the
    /// only one of them whose name says which way is better (loss, accuracy...); null when that leaves several or none.
    /// </summary>
    public static string? InferMetric(IEnumerable<RunSummary> completed)
    {
        var names = completed.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 1)
            return names[0];
        var directed = names.Where(n => MetricDirections.FromName(n) != MetricDirection.Unknown).ToList();
        return directed.Count == 1 ? directed[0] : null;
    }

    /// <summary>The tags the parent records: counts, the metric and goal used, the best trial's id and value.</summary>
    public SortedDictionary<string, string> Tags()
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [CompletedTag] = Completed.ToString(CultureInfo.InvariantCulture),
            [FailedTag] = Failed.ToString(CultureInfo.InvariantCulture),
            [KilledTag] = Killed.ToString(CultureInfo.InvariantCulture),
        };
        if (Metric is not null)
            tags[SweepDefinition.MetricTag] = Metric;
        if (Goal != MetricDirection.Unknown)
            tags[SweepDefinition.GoalTag] = Goal == MetricDirection.Max ? "max" : "min";
        if (Best is { } best && BestValue is { } value)
        {
            tags[BestTag] = best.Id;
            tags[BestValueTag] = value.ToString("R", CultureInfo.InvariantCulture);
        }
        return tags;
    }
}
