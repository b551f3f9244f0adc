using System.Globalization;

namespace GitTrack.Core.Query;

/// <summary>
/// The value on the right of a comparison, as written (<see cref="Raw"/>) and as read (<see cref="Kind"/> and the
/// matching property). Dates without an offset are wall-clock times in <see cref="QueryContext.TimeZone"/>.
/// </summary>
public sealed record QueryLiteral
{
    public required QueryLiteralKind Kind { get; init; }
    /// <summary>The text as written; for a quoted string, its content with escapes applied.</summary>
    public required string Raw { get; init; }
    /// <summary>True when written in quotes (always text unless the field is a date or duration).</summary>
    public bool Quoted { get; init; }
    /// <summary>0-based index of the literal in the expression.</summary>
    public int Position { get; init; }
    public double Number { get; init; }
    public bool Bool { get; init; }
    /// <summary>For <see cref="QueryLiteralKind.Date"/>: the date and time as written, without offset.</summary>
    public DateTime DateTime { get; init; }
    /// <summary>For <see cref="QueryLiteralKind.Date"/>: the offset written (<c>Z</c>, <c>+02:00</c>), or null for local time.</summary>
    public TimeSpan? Offset { get; init; }
    public DatePrecision Precision { get; init; } = DatePrecision.Exact;
    /// <summary>For <see cref="QueryLiteralKind.Duration"/>, the length; for <see cref="QueryLiteralKind.RelativeDate"/>, how long ago.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The literal as the language writes it (quoted when it was).</summary>
    public override string ToString() => Quoted
        ? "\"" + Raw.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""
        : Kind == QueryLiteralKind.Number && Raw.Length == 0 ? Number.ToString("R", CultureInfo.InvariantCulture) : Raw;
}
