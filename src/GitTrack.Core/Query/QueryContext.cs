namespace GitTrack.Core.Query;

/// <summary>
/// What a query's relative dates and local times are evaluated against: <c>-7d</c> is seven days before
/// <see cref="Now"/>, <c>2026-11-01</c> is midnight in <see cref="TimeZone"/>. Tests inject fixed values.
/// </summary>
public sealed record QueryContext(DateTimeOffset Now, TimeZoneInfo TimeZone)
{
    /// <summary>The clock and time zone of this machine, read when called.</summary>
    public static QueryContext System => new(DateTimeOffset.Now, TimeZoneInfo.Local);
}
