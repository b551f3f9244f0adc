using GitTrack.Core.Query.Internal;

namespace GitTrack.Core.Query;

/// <summary>
/// The fields a listing shows, parsed from <c>--columns id,name,params.lr,metrics."val/loss"</c>. <c>params.*</c>,
/// <c>metrics.*</c> and <c>tags.*</c> stand for every key the listed runs have (<see cref="Expand{TRun}"/>).
/// </summary>
public static class ColumnList
{
    public static IReadOnlyList<FieldPath> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FieldListParser(text, "columns").ParseList(allowWildcard: true, allowDirection: false)
            .Select(item => item.Field).ToList();
    }

    /// <summary>
    /// Replaces each wildcard with the keys under its root that any of <paramref name="runs"/> has, in ordinal order,
    /// and drops repeats (the first mention of a field wins its place).
    /// </summary>
    public static IReadOnlyList<FieldPath> Expand<TRun>(IReadOnlyList<FieldPath> columns, IEnumerable<TRun> runs, RunFields<TRun> fields)
    {
        var result = new List<FieldPath>();
        var seen = new HashSet<FieldPath>();
        var list = columns.Any(c => c.IsWildcard) ? runs as IReadOnlyList<TRun> ?? runs.ToList() : [];
        foreach (var column in columns)
        {
            if (!column.IsWildcard)
            {
                if (seen.Add(column))
                    result.Add(column);
                continue;
            }
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var run in list)
                keys.UnionWith(fields.Keys(run, column.Root));
            foreach (var key in keys)
            {
                var path = FieldPath.Keyed(column.Root, key);
                if (seen.Add(path))
                    result.Add(path);
            }
        }
        return result;
    }
}
