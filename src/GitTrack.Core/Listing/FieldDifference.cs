namespace GitTrack.Core.Listing;

/// <summary>
/// The one rule for "this field differs between these runs", used by <c>gittrack ls</c> (which params and metrics get
/// a column), <c>gittrack compare</c> and the web UI's compare view (which rows are marked): values are compared by
/// type and value, as recorded. So an integer <c>1</c> differs from a float <c>1.0</c> and from the text <c>"1"</c>;
/// floats are equal only when they are the same number (NaN equals NaN; no rounding: 0.1234567 differs from
/// 0.1234568 though a table shows both as 0.123457); text is compared by ordinal; times by instant. A missing value
/// differs from any present one; a field every run lacks does not differ.
/// </summary>
public static class FieldDifference
{
    /// <summary>Whether the values (one per run, null where the run lacks the field) are not all the same.</summary>
    public static bool Differs(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        for (var i = 1; i < values.Count; i++)
            if (!Same(values[0], values[i]))
                return true;
        return false;
    }

    /// <summary>Whether two values are the same by <see cref="FieldDifference"/>'s rule (both missing counts as the same).</summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        // double.Equals: NaN equals NaN, 0.0 equals -0.0; a boxed long never equals a boxed double.
        _ => a.Equals(b),
    };

    /// <summary>
    /// The keys (sorted by ordinal) of <paramref name="values"/> whose value is not the same in every run, a run
    /// lacking the key counting as a different value.
    /// </summary>
    public static List<string> VaryingKeys<TRun, TValue>(IReadOnlyList<TRun> runs, Func<TRun, IReadOnlyDictionary<string, TValue>> values)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(values);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
            keys.UnionWith(values(run).Keys);
        var column = new object?[runs.Count];
        return keys.Where(key =>
        {
            for (var i = 0; i < runs.Count; i++)
                column[i] = values(runs[i]).TryGetValue(key, out var value) ? value : null;
            return Differs(column);
        }).ToList();
    }
}
