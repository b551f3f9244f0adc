namespace GitTrack.Core.Query;

/// <summary>What a literal on the right of a comparison was read as.</summary>
public enum QueryLiteralKind
{
    Number,
    Text,
    Bool,
    /// <summary>An absolute date or time, <c>2026-11-01</c> or <c>2026-11-01T12:00</c>.</summary>
    Date,
    /// <summary>A time before now, <c>-7d</c>: resolved against <see cref="QueryContext.Now"/> when compiled.</summary>
    RelativeDate,
    /// <summary>A length of time, <c>90s</c>, <c>5m</c>, <c>1h30m</c>.</summary>
    Duration,
}
