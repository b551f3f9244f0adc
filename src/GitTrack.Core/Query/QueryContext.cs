namespace GitTrack.Core.Query;

/// <summary>
/// What a query's relative dates and local times are evaluated against: <c>-7d</c> is seven days before
/// <see cref="Now"/>, <c>2026-11-01</c> is midnight in <see cref="TimeZone"/>. Tests inject fixed values.
/// </summary>
public sealed record QueryContext(DateTimeOffset Now, TimeZoneInfo TimeZone)
{
    /// <summary>
    /// The ids of the runs with a given name, so <c>parent = NAME</c> can name the parent run as the command line names
    /// runs; null when names are not known (then only ids and id prefixes match).
    /// </summary>
    public Func<string, IReadOnlyCollection<string>>? RunsNamed { get; init; }

    /// <summary><see cref="System"/> with <see cref="RunsNamed"/> looking names up among <paramref name="runs"/>.</summary>
    public static QueryContext WithNames(IEnumerable<Runs.RunSummary> runs)
    {
        // Built on first use: only a filter that names a run (parent = NAME) pays for reading every name.
        var byName = new Lazy<Dictionary<string, IReadOnlyCollection<string>>>(() => runs.GroupBy(r => r.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Select(r => r.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal));
        return System with { RunsNamed = name => byName.Value.TryGetValue(name, out var ids) ? ids : [] };
    }

    /// <summary>The clock and time zone of this machine, read when called.</summary>
    public static QueryContext System => new(DateTimeOffset.Now, TimeZoneInfo.Local);
}
