namespace GitTrack.Core.Query.Internal;

/// <summary>
/// The span a date literal stands for: <c>2026-11-01</c> is that whole day in the time zone, <c>12:00</c> that minute,
/// <c>-7d</c> one instant (<see cref="IsInstant"/>). Comparisons test a value against the span.
/// </summary>
internal readonly record struct DateRange(DateTimeOffset Start, DateTimeOffset End)
{
    public bool IsInstant => Start == End;

    public static DateRange Resolve(QueryLiteral literal, TimeZoneInfo zone)
    {
        var start = At(literal.DateTime, literal.Offset, zone);
        var end = literal.Precision switch
        {
            DatePrecision.Day => At(literal.DateTime.AddDays(1), literal.Offset, zone),
            DatePrecision.Minute => start.AddMinutes(1),
            DatePrecision.Second => start.AddSeconds(1),
            _ => start,
        };
        return new DateRange(start, end);
    }

    private static DateTimeOffset At(DateTime wallClock, TimeSpan? offset, TimeZoneInfo zone)
    {
        if (offset is { } o)
            return new DateTimeOffset(wallClock, o);
        // A wall-clock time skipped by a daylight-saving change does not exist; take the offset from before the change.
        var local = wallClock;
        if (zone.IsInvalidTime(local))
            local = local.AddHours(1);
        return new DateTimeOffset(wallClock, zone.GetUtcOffset(local));
    }

    /// <summary>Whether <paramref name="value"/> compares to this span as <paramref name="op"/> says.</summary>
    public bool Test(DateTimeOffset value, QueryOperator op) => Test(value.UtcTicks, op);

    public bool Test(long v, QueryOperator op)
    {
        long s = Start.UtcTicks, e = End.UtcTicks;
        if (s == e)
        {
            return op switch
            {
                QueryOperator.Equal => v == s,
                QueryOperator.NotEqual => v != s,
                QueryOperator.Less => v < s,
                QueryOperator.LessOrEqual => v <= s,
                QueryOperator.Greater => v > s,
                QueryOperator.GreaterOrEqual => v >= s,
                _ => false,
            };
        }
        return op switch
        {
            QueryOperator.Equal => v >= s && v < e,
            QueryOperator.NotEqual => v < s || v >= e,
            QueryOperator.Less => v < s,
            QueryOperator.LessOrEqual => v < e,
            QueryOperator.Greater => v >= e,
            QueryOperator.GreaterOrEqual => v >= s,
            _ => false,
        };
    }
}
