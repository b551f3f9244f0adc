using GitTrack.Core.Runs;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Listing;

/// <summary>
/// Which param, metric and tag columns a list of runs has, each sorted by ordinal: every key present
/// (<see cref="Params"/>, <see cref="Metrics"/>, <see cref="Tags"/>; system metrics such as CPU and GPU use left out,
/// as they differ in every run) and those whose value is not the same in every run (<see cref="FieldDifference"/>),
/// which <c>gittrack ls</c> shows by default.
/// </summary>
public sealed record RunColumns(
    IReadOnlyList<string> Params,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> VaryingParams,
    IReadOnlyList<string> VaryingMetrics)
{
    public static RunColumns Of(IReadOnlyList<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        static List<string> Keys<T>(IEnumerable<IReadOnlyDictionary<string, T>> maps) =>
            [.. maps.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal)];
        return new RunColumns(
            Keys(runs.Select(r => r.Params)),
            Keys(runs.Select(r => r.Metrics)).Where(k => !SystemMetricNames.IsSystem(k)).ToList(),
            Keys(runs.Select(r => r.Tags)),
            FieldDifference.VaryingKeys(runs, r => r.Params),
            FieldDifference.VaryingKeys(runs, r => r.Metrics).Where(k => !SystemMetricNames.IsSystem(k)).ToList());
    }
}
