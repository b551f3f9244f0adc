namespace GitTrack.Core.Query;

/// <summary>
/// The names a mistyped one was probably meant to be, for "did you mean" hints (a metric name given to
/// <c>best</c>, a subcommand): those within a small edit distance (optimal string alignment: an insertion, deletion,
/// substitution or swap of two neighbours counts one; case is ignored), and those that hold the name as a part
/// (<c>auc</c> for <c>val_auc</c>). Closest first, then in name order.
/// </summary>
public static class NearNames
{
    /// <summary>Up to <paramref name="max"/> of <paramref name="candidates"/> near <paramref name="name"/>; none is the name itself.</summary>
    public static IReadOnlyList<string> Of(string name, IEnumerable<string> candidates, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        // One edit in a short name, two in a longer one, three at most: more would suggest unrelated names.
        int allowed = Math.Clamp(name.Length / 4, 1, 3);
        var lower = name.ToLowerInvariant();
        var near = new List<(int Distance, string Name)>();
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            if (candidate == name)
                continue;
            var other = candidate.ToLowerInvariant();
            int distance = Distance(lower, other);
            if (distance <= allowed)
                near.Add((distance, candidate));
            else if (lower.Length >= 3 && other.Contains(lower, StringComparison.Ordinal))
                near.Add((allowed + 1, candidate));
        }
        return [.. near.OrderBy(n => n.Distance).ThenBy(n => n.Name, StringComparer.Ordinal).Take(max).Select(n => n.Name)];
    }

    /// <summary>The optimal string alignment distance between two strings (case as given).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    best = Math.Min(best, d[i - 2, j - 2] + 1);
                d[i, j] = best;
            }
        }
        return d[a.Length, b.Length];
    }
}
