using System.Globalization;

namespace GitTrack.Core.Query;

/// <summary>
/// One value of a run's field as the query language sees it: a number (every param or metric number is a
/// <see cref="double"/>), text, a boolean, a date or a duration. A missing field has no value (<c>QueryValue?</c> null).
/// </summary>
public readonly struct QueryValue : IEquatable<QueryValue>
{
    private readonly double _number;
    private readonly string? _text;
    private readonly DateTimeOffset _date;
    private readonly TimeSpan _duration;

    private QueryValue(QueryValueKind kind, double number = 0, string? text = null, DateTimeOffset date = default, TimeSpan duration = default)
    {
        Kind = kind;
        _number = number;
        _text = text;
        _date = date;
        _duration = duration;
    }

    public QueryValueKind Kind { get; }

    public static QueryValue FromNumber(double number) => new(QueryValueKind.Number, number: number);
    public static QueryValue FromText(string text) => new(QueryValueKind.Text, text: text);
    public static QueryValue FromBool(bool value) => new(QueryValueKind.Bool, number: value ? 1 : 0);
    public static QueryValue FromDate(DateTimeOffset date) => new(QueryValueKind.Date, date: date);
    public static QueryValue FromDuration(TimeSpan duration) => new(QueryValueKind.Duration, duration: duration);

    /// <summary>
    /// The value of a param as stored (<see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="float"/>,
    /// <see cref="decimal"/>, <see cref="bool"/>, <see cref="string"/>, dates, <see cref="TimeSpan"/>); null for null.
    /// Anything else is taken by its invariant text.
    /// </summary>
    public static QueryValue? FromObject(object? value) => value switch
    {
        null => null,
        QueryValue v => v,
        string s => FromText(s),
        bool b => FromBool(b),
        long l => FromNumber(l),
        int i => FromNumber(i),
        double d => FromNumber(d),
        float f => FromNumber(f),
        decimal m => FromNumber((double)m),
        short s16 => FromNumber(s16),
        ulong u => FromNumber(u),
        uint u32 => FromNumber(u32),
        DateTimeOffset o => FromDate(o),
        DateTime t => FromDate(t.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(t, TimeSpan.Zero) : new DateTimeOffset(t)),
        TimeSpan span => FromDuration(span),
        IFormattable f => FromText(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => FromText(value.ToString() ?? ""),
    };

    /// <summary>The number (for <see cref="QueryValueKind.Number"/>); 1 or 0 for a boolean.</summary>
    public double Number => _number;
    /// <summary>The text (for <see cref="QueryValueKind.Text"/>), else null.</summary>
    public string? Text => _text;
    public bool Bool => _number != 0;
    public DateTimeOffset Date => _date;
    public TimeSpan Duration => _duration;

    /// <summary>
    /// The value as text: what <c>~</c> matches against and what a table shows. Numbers in the shortest form that
    /// reads back (<c>0.01</c>, <c>32</c>), booleans <c>true</c>/<c>false</c>, dates ISO 8601
    /// (<c>2026-11-01T12:00:00+00:00</c>), durations in seconds with an <c>s</c> (<c>90s</c>).
    /// </summary>
    public override string ToString() => Kind switch
    {
        QueryValueKind.Number => FormatNumber(_number),
        QueryValueKind.Text => _text ?? "",
        QueryValueKind.Bool => Bool ? "true" : "false",
        QueryValueKind.Date => _date.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
        QueryValueKind.Duration => FormatNumber(_duration.TotalSeconds) + "s",
        _ => "",
    };

    internal static string FormatNumber(double number) =>
        double.IsNaN(number) ? "nan"
        : double.IsPositiveInfinity(number) ? "inf"
        : double.IsNegativeInfinity(number) ? "-inf"
        : number.ToString("R", CultureInfo.InvariantCulture);

    public bool Equals(QueryValue other) => Kind == other.Kind && Kind switch
    {
        QueryValueKind.Number or QueryValueKind.Bool => _number.Equals(other._number),
        QueryValueKind.Text => string.Equals(_text, other._text, StringComparison.Ordinal),
        QueryValueKind.Date => _date.Equals(other._date),
        QueryValueKind.Duration => _duration == other._duration,
        _ => true,
    };

    public override bool Equals(object? obj) => obj is QueryValue other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        QueryValueKind.Number or QueryValueKind.Bool => HashCode.Combine(Kind, _number),
        QueryValueKind.Text => HashCode.Combine(Kind, _text),
        QueryValueKind.Date => HashCode.Combine(Kind, _date),
        _ => HashCode.Combine(Kind, _duration),
    };

    public static bool operator ==(QueryValue left, QueryValue right) => left.Equals(right);
    public static bool operator !=(QueryValue left, QueryValue right) => !left.Equals(right);
}
