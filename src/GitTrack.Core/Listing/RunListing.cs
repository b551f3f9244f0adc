using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Listing;

/// <summary>
/// Listing runs, the one way <c>gittrack ls</c>, <c>compare --filter</c>, <c>best</c>, <c>export</c> and the web
/// UI's <c>GET /api/runs</c> select them: filter, sort, page and count from the store's index, one summary read at a
/// time. Memory stays bounded by the page, not the branch: unsorted pages are streamed, and a sorted page keeps only
/// the best <c>offset + limit</c> runs seen so far.
/// </summary>
public static class RunListing
{
    /// <summary>The page <paramref name="query"/> describes, with the counts of what matched and of all runs.</summary>
    public static RunPage Page(RunStore store, RunListQuery query)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Offset < 0)
            throw new InvalidInputException($"offset {query.Offset} is negative", "give an offset of 0 or more");
        if (query.Limit is < 0)
            throw new InvalidInputException($"--limit {query.Limit} is negative", "give a count of 0 or more");
        var predicate = Predicate(store, query);
        var sort = string.IsNullOrWhiteSpace(query.Sort) ? null : SortSpec.Parse(query.Sort);
        int total;
        if (predicate is null && sort is null)
        {
            // The newest first: the order and the counts come from the index's heads; only the page's summaries are read.
            var (newest, count) = store.Page(query.Offset, query.Limit ?? int.MaxValue, query.IncludeRemoved);
            return new RunPage(newest, query.Offset, count, count, store.Skipped);
        }
        var end = query.Limit is { } limit ? (long)query.Offset + limit : long.MaxValue;
        var matched = 0;
        List<RunSummary> page;
        if (sort is null)
        {
            page = [];
            foreach (var run in store.Enumerate(query.IncludeRemoved))
            {
                if (!predicate!(run))
                    continue;
                if (matched >= query.Offset && matched < end)
                    page.Add(run);
                matched++;
            }
        }
        else
        {
            var best = Best(Matching(store.Enumerate(query.IncludeRemoved), predicate, () => matched++), sort, end);
            page = [.. best.Skip(query.Offset)];
        }
        total = predicate is null ? matched : store.Count(query.IncludeRemoved);
        return new RunPage(page, query.Offset, matched, total, store.Skipped);
    }

    /// <summary>
    /// The matching runs in order, limited, as one list: <see cref="Page"/> from the start. For commands that use
    /// every selected run (<c>compare --filter</c>, <c>best</c>, <c>export</c>).
    /// </summary>
    public static List<RunSummary> Select(RunStore store, string? filter, string? sort, int? limit, bool includeRemoved = false) =>
        [.. Page(store, new RunListQuery { Filter = filter, Sort = sort, Limit = limit, IncludeRemoved = includeRemoved }).Runs];

    /// <summary>Every run, newest first, streamed one summary at a time (<c>ls --json</c> of the whole branch).</summary>
    public static IEnumerable<RunSummary> Stream(RunStore store, bool includeRemoved = false, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (limit is < 0)
            throw new InvalidInputException($"--limit {limit} is negative", "give a count of 0 or more");
        var runs = store.Enumerate(includeRemoved);
        return limit is { } n ? runs.Take(n) : runs;
    }

    /// <summary>
    /// The runs started inside <paramref name="id"/> (nested runs, a sweep's trials), oldest first, hidden ones left
    /// out: what <c>gittrack show</c> and the web UI's run view list as children. From the index's parent links.
    /// </summary>
    public static IReadOnlyList<RunSummary> Children(RunStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Children(id);
    }

    private static IEnumerable<RunSummary> Matching(IEnumerable<RunSummary> runs, Func<RunSummary, bool>? predicate, Action counted)
    {
        foreach (var run in runs)
        {
            if (predicate is not null && !predicate(run))
                continue;
            counted();
            yield return run;
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> runs in <paramref name="sort"/>'s order, holding at most about twice that
    /// many: runs are added in batches and the kept ones sorted and cut after each. The sort is stable and the kept
    /// runs precede the batch, so ties keep the input order exactly as one sort of everything would.
    /// </summary>
    internal static List<RunSummary> Best(IEnumerable<RunSummary> runs, SortSpec sort, long count, int minBatch = 1024)
    {
        var fields = RunSummaryFields.Instance;
        if (count >= int.MaxValue / 2)
            return sort.Apply(runs.ToList(), fields);
        var keep = (int)count;
        var batch = Math.Max(keep, Math.Max(1, minBatch));
        var kept = new List<RunSummary>(keep + batch);
        foreach (var run in runs)
        {
            kept.Add(run);
            if (kept.Count < keep + batch)
                continue;
            kept = sort.Apply(kept, fields);
            kept.RemoveRange(keep, kept.Count - keep);
        }
        kept = sort.Apply(kept, fields);
        if (kept.Count > keep)
            kept.RemoveRange(keep, kept.Count - keep);
        return kept;
    }

    /// <summary>The filter compiled, or null for none; a lone word becomes a search when the query allows it.</summary>
    private static Func<RunSummary, bool>? Predicate(RunStore store, RunListQuery query)
    {
        var text = query.Filter?.Trim();
        if (string.IsNullOrEmpty(text))
            return null;
        QueryExpression expression;
        try
        {
            expression = QueryParser.Parse(text);
        }
        catch (QuerySyntaxException) when (query.WordSearch && IsPlainWord(text))
        {
            return run => MatchesWord(run, text);
        }
        // 'parent = NAME' looks the name up among every run, hidden ones included, read only if a filter names one.
        return expression.Compile(RunSummaryFields.Instance, QueryContext.WithNames(store.Enumerate(includeRemoved: true)));
    }

    private static bool IsPlainWord(string text) => text.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/');

    private static bool MatchesWord(RunSummary run, string text) =>
        run.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
        || run.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)
        || run.Tags.Any(t => t.Key.Contains(text, StringComparison.OrdinalIgnoreCase) || t.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}
