namespace GitTrack.Core.Query;

/// <summary>
/// How precisely a date literal was written. A value is compared with a literal at the literal's precision:
/// <c>started = 2026-11-01</c> is any time that day, <c>started &gt; 2026-11-01</c> is from the next day on.
/// </summary>
public enum DatePrecision
{
    Day,
    Minute,
    Second,
    /// <summary>Fractional seconds, or a relative date: compared to the instant.</summary>
    Exact,
}
