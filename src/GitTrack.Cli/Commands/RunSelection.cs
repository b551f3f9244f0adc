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

    /// <summary>
    /// The runs of the index that match, ordered, limited; newest first when no sort is given. Entries on the branch
    /// that cannot be read as runs are left out, each named in a warning on <paramref name="warnings"/>.
    /// </summary>
    public static List<RunSummary> Select(RunStore store, TextWriter warnings, string? filter, string? sort, int? limit, bool includeRemoved = false)
    {
        if (limit is < 0)
            throw new Core.Errors.InvalidInputException($"--limit {limit} is negative", "give a count of 0 or more");
        var runs = store.List(includeRemoved);
        WarnSkipped(store, warnings);
        if (filter is not null && RunInputs.Mentioned(filter))
            runs = RunInputs.Attach(store, runs);
        return RunQuery.Select(runs, RunSummaryFields.Instance, filter, sort, limit, QueryContext.System);
    }

    /// <summary>One warning line per entry of the runs branch the last listing could not read.</summary>
    public static void WarnSkipped(RunStore store, TextWriter warnings)
    {
        foreach (var skipped in store.Skipped)
            warnings.WriteLine($"gittrack: warning: skipped {store.Branch.Name}:{skipped.Path}: {skipped.Reason} " +
                $"(inspect it with 'git show {store.Branch.Name}:{skipped.Path}'; fix or remove it there)");
    }
}
