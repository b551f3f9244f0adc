using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Query;

/// <summary>
/// Filters on <c>inputs.path</c> or <c>input</c> need each run's inputs, which the local index does not keep: they are
/// read from the manifests of the runs listed (one read per run, only for such filters).
/// </summary>
public static class RunInputs
{
    /// <summary>Whether <paramref name="filter"/> names an input field.</summary>
    public static bool Mentioned(string filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
            return false;
        return QueryParser.Parse(filter) is { } expression && Fields(expression).Any(f => f.IsMultiValued);
    }

    private static IEnumerable<FieldPath> Fields(QueryExpression expression) => expression switch
    {
        AndExpression and => Fields(and.Left).Concat(Fields(and.Right)),
        OrExpression or => Fields(or.Left).Concat(Fields(or.Right)),
        NotExpression not => Fields(not.Operand),
        ExistsExpression exists => [exists.Field],
        ComparisonExpression comparison => [comparison.Field],
        _ => [],
    };

    /// <summary><paramref name="runs"/> with their inputs; a run whose manifest cannot be read keeps none.</summary>
    public static IReadOnlyList<RunSummary> Attach(RunStore store, IReadOnlyList<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runs);
        return [.. runs.Select(run =>
        {
            try
            {
                return run with { Inputs = store.Get(run.Id).Inputs };
            }
            catch (GitTrackException)
            {
                return run with { Inputs = [] };
            }
        })];
    }
}
