using GitTrack.Core.Query.Internal;

namespace GitTrack.Core.Query;

/// <summary>
/// An ordering of runs by one or more <see cref="SortKey"/>s, parsed from <c>--sort metrics.val_accuracy:desc,-params.lr</c>.
/// Sorting is stable (ties keep the input order); missing values (and NaN) sort last whatever the direction; text that
/// reads as a number sorts as that number; mixed types sort numbers, durations, dates, booleans, then text.
/// </summary>
public sealed class SortSpec
{
    public SortSpec(IReadOnlyList<SortKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Keys = keys;
    }

    public IReadOnlyList<SortKey> Keys { get; }

    /// <summary>Parses comma-separated keys; a leading <c>-</c> or a <c>:desc</c> suffix sorts descending (<c>+</c>, <c>:asc</c> ascending).</summary>
    public static SortSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new FieldListParser(text, "sort key").ParseList(allowWildcard: false, allowDirection: true);
        return new SortSpec(items.Select(item => new SortKey(item.Field, item.Descending)).ToList());
    }

    public override string ToString() => string.Join(",", Keys);

    /// <summary>The runs in this order (a new list; the input is not changed).</summary>
    public List<TRun> Apply<TRun>(IEnumerable<TRun> runs, RunFields<TRun> fields)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fields);
        var items = runs as IReadOnlyList<TRun> ?? runs.ToList();
        int n = items.Count, k = Keys.Count;
        if (k == 0 || n < 2)
            return items.ToList();

        // Each key is read once per run, then indexes are sorted: the comparer never touches a run.
        var columns = new SortColumn[k];
        for (int key = 0; key < k; key++)
        {
            var read = fields.Bind(Keys[key].Field);
            var column = columns[key] = new SortColumn(n, Keys[key].Descending);
            for (int r = 0; r < n; r++)
            {
                if (SortValue(read(items[r])) is { } value)
                {
                    column.Values[r] = value;
                    column.Present[r] = true;
                }
            }
        }
        var order = new int[n];
        for (int r = 0; r < n; r++)
            order[r] = r;
        Array.Sort(order, new IndexComparer(columns));
        var result = new List<TRun>(n);
        foreach (var r in order)
            result.Add(items[r]);
        return result;
    }

    private sealed class SortColumn(int n, bool descending)
    {
        public readonly QueryValue[] Values = new QueryValue[n];
        public readonly bool[] Present = new bool[n];
        public readonly bool Descending = descending;
    }

    /// <summary>Compares run indexes key by key; missing values last in either direction; ties by index, so the sort is stable.</summary>
    private sealed class IndexComparer(SortColumn[] columns) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            foreach (var column in columns)
            {
                bool hasA = column.Present[a], hasB = column.Present[b];
                if (!hasA || !hasB)
                {
                    if (hasA == hasB)
                        continue;
                    return hasA ? -1 : 1;
                }
                int c = CompareValues(in column.Values[a], in column.Values[b]);
                if (c != 0)
                    return column.Descending ? -c : c;
            }
            return a.CompareTo(b);
        }
    }

    /// <summary>What a value sorts as: text that reads as a number becomes the number; NaN counts as missing.</summary>
    private static QueryValue? SortValue(QueryValue? value)
    {
        if (value is not { } v)
            return null;
        if (v.Kind == QueryValueKind.Number && double.IsNaN(v.Number))
            return null;
        if (v.Kind == QueryValueKind.Text && LiteralReader.TryNumber(v.Text, out double number))
            return QueryValue.FromNumber(number);
        return v;
    }

    /// <summary>The order of two present values: by kind first (<see cref="QueryValueKind"/> order), then by value.</summary>
    public static int CompareValues(in QueryValue x, in QueryValue y)
    {
        if (x.Kind != y.Kind)
            return x.Kind.CompareTo(y.Kind);
        return x.Kind switch
        {
            QueryValueKind.Number or QueryValueKind.Bool => x.Number.CompareTo(y.Number),
            QueryValueKind.Duration => x.Duration.CompareTo(y.Duration),
            QueryValueKind.Date => x.UtcTicks.CompareTo(y.UtcTicks),
            _ => string.CompareOrdinal(x.Text, y.Text),
        };
    }
}
