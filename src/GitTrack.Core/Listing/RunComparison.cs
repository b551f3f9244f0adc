using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Listing;

/// <summary>
/// Runs side by side, as <c>gittrack compare</c> and the web UI's compare view show them: the runs (each once, in the
/// order given) and one <see cref="ComparisonRow"/> per field. Rows come in this order: the run's own fields (id,
/// status, started, duration, source.branch, source.commit, parent, note); then params, metrics and tags whose values
/// differ, then those that do not (each group's keys by ordinal); then system metrics (CPU, memory, GPU: they differ
/// in every run and are not among the differences that matter). A field no run has a value for is left out.
/// </summary>
public sealed record RunComparison(IReadOnlyList<RunRecord> Runs, IReadOnlyList<ComparisonRow> Rows)
{
    public static RunComparison Of(IEnumerable<RunRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var runs = records.DistinctBy(r => r.Id).ToList();
        var rows = new List<ComparisonRow>
        {
            Fixed("id", runs, r => r.Id),
            Fixed("status", runs, r => ManifestToml.StatusText(r.Status)),
            Fixed("started", runs, r => r.StartedAt),
            Fixed("duration", runs, r => r.Duration is { } d ? d.TotalSeconds : null),
            Fixed("source.branch", runs, r => r.Source.Branch),
            Fixed("source.commit", runs, r => r.Source.Commit),
            Fixed("parent", runs, r => r.Parent),
            Fixed("note", runs, r => r.Note),
        };
        var keyed = new List<ComparisonRow>();
        keyed.AddRange(Keyed(FieldRoot.Params, "params", runs, r => r.Params));
        keyed.AddRange(Keyed(FieldRoot.Metrics, "metrics", runs, r => r.Metrics.Where(p => !SystemMetricNames.IsSystem(p.Key)).ToDictionary(p => p.Key, p => (object)p.Value)));
        keyed.AddRange(Keyed(FieldRoot.Tags, "tags", runs, r => r.Tags.ToDictionary(p => p.Key, p => (object)p.Value)));
        rows.AddRange(keyed.Where(r => r.Differs));
        rows.AddRange(keyed.Where(r => !r.Differs));
        rows.AddRange(Keyed(FieldRoot.Metrics, "system", runs, r => r.Metrics.Where(p => SystemMetricNames.IsSystem(p.Key)).ToDictionary(p => p.Key, p => (object)p.Value)));
        return new RunComparison(runs, [.. rows.Where(r => r.Values.Any(v => v is not null))]);
    }

    private static ComparisonRow Fixed(string field, IReadOnlyList<RunRecord> runs, Func<RunRecord, object?> read)
    {
        var values = runs.Select(read).ToArray();
        return new ComparisonRow(field, "run", null, FieldDifference.Differs(values), values);
    }

    private static IEnumerable<ComparisonRow> Keyed(FieldRoot root, string group, IReadOnlyList<RunRecord> runs, Func<RunRecord, IReadOnlyDictionary<string, object>> read)
    {
        var maps = runs.Select(read).ToList();
        foreach (var key in maps.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var values = maps.Select(m => m.TryGetValue(key, out var v) ? v : null).ToArray();
            yield return new ComparisonRow(FieldPath.Keyed(root, key).ToString(), group, key, FieldDifference.Differs(values), values);
        }
    }
}
