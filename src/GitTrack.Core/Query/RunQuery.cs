namespace GitTrack.Core.Query;

/// <summary>
/// Filter, sort and limit in one call, as <c>ls</c>, <c>compare</c>, <c>best</c> and <c>export</c> need it. Parses
/// the filter and the sort keys (throwing <see cref="Errors.QuerySyntaxException"/>), keeps the
/// matching runs, orders them (stable) and keeps the first limit.
/// </summary>
public static class RunQuery
{
    public static List<TRun> Select<TRun>(IEnumerable<TRun> runs, RunFields<TRun> fields,
        string? filter = null, string? sort = null, int? limit = null, QueryContext? context = null)
    {
        var predicate = string.IsNullOrWhiteSpace(filter) ? null : QueryParser.Parse(filter).Compile(fields, context);
        var order = string.IsNullOrWhiteSpace(sort) ? null : SortSpec.Parse(sort);
        return Select(runs, fields, predicate, order, limit);
    }

    public static List<TRun> Select<TRun>(IEnumerable<TRun> runs, RunFields<TRun> fields,
        Func<TRun, bool>? predicate, SortSpec? sort, int? limit)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var kept = predicate is null ? runs.ToList() : runs.Where(predicate).ToList();
        if (sort is not null)
            kept = sort.Apply(kept, fields);
        if (limit is { } n && n >= 0 && kept.Count > n)
            kept.RemoveRange(n, kept.Count - n);
        return kept;
    }
}
