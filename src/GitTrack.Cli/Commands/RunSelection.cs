using System.CommandLine;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// The <c>--filter</c>, <c>--sort</c> and <c>--limit</c> options that <c>ls</c>, <c>compare</c>, <c>best</c> and
/// <c>export</c> share, and the selection of runs from the local index they describe (docs/query.md).
/// </summary>
internal static class RunSelection
{
    public static Option<string?> FilterOption() => new("--filter", "-f")
    {
        Description = "Keep runs matching EXPR, e.g. \"params.lr < 0.01 and source.branch = main\" (docs/query.md)",
    };

    public static Option<string?> SortOption() => new("--sort", "-s")
    {
        Description = "Order by KEY[,KEY]; '-' before a key or ':desc' after it sorts descending (e.g. -metrics.val_accuracy)",
    };

    public static Option<int?> LimitOption(string name = "--limit") => new(name, "-n")
    {
        Description = "Show at most N runs",
    };

    /// <summary>The runs of the index that match, ordered, limited; newest first when no sort is given.</summary>
    public static List<RunSummary> Select(RunStore store, string? filter, string? sort, int? limit, bool includeRemoved = false)
    {
        if (limit is < 0)
            throw new Core.Errors.InvalidInputException($"--limit {limit} is negative", "give a count of 0 or more");
        return RunQuery.Select(store.List(includeRemoved), RunSummaryFields.Instance, filter, sort, limit, QueryContext.System);
    }
}
