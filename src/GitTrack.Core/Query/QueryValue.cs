using System.Globalization;

namespace GitTrack.Core.Query;

/// <summary>
/// One value of a run's field as the query language sees it: a number (every param or metric number is a
/// <see cref="double"/>), text, a boolean, a date or a duration. A missing field has no value (<c>QueryValue?</c> null).
/// </summary>
public readonly struct QueryValue : IEquatable<QueryValue>
{
    // Kept small (it is copied for every field read): a number or boolean in _number, a date's UTC ticks or a
    // duration's ticks in _ticks with the date's offset in minutes in _offsetMinutes, text in _text.
    private readonly double _number;
    private readonly long _ticks;
    private readonly string? _text;
    private readonly short _offsetMinutes;
    private readonly QueryValueKind _kind;

    private QueryValue(QueryValueKind kind, double number = 0, string? text = null, long ticks = 0, short offsetMinutes = 0)
    {
        _kind = kind;
        _number = number;
        _text = text;
        _ticks = ticks;
        _offsetMinutes = offsetMinutes;
    }

    public QueryValueKind Kind => _kind;

    public static QueryValue FromNumber(double number) => new(QueryValueKind.Number, number: number);
    public static QueryValue FromText(string text) => new(QueryValueKind.Text, text: text ?? throw new ArgumentNullException(nameof(text)));
    public static QueryValue FromBool(bool value) => new(QueryValueKind.Bool, number: value ? 1 : 0);
    public static QueryValue FromDate(DateTimeOffset date) =>
        new(QueryValueKind.Date, ticks: date.UtcTicks, offsetMinutes: (short)(date.Offset.Ticks / TimeSpan.TicksPerMinute));
    public static QueryValue FromDuration(TimeSpan duration) => new(QueryValueKind.Duration, ticks: duration.Ticks);

    /// <summary>
    /// The value of a param as stored (<see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="float"/>,
    /// <see cref="decimal"/>, <see cref="bool"/>, <see cref="string"/>, dates, <see cref="TimeSpan"/>); null for null.
    /// Anything else is taken by its invariant text.
    /// </summary>
    public static QueryValue? FromObject(object? value) => value switch
    {
        null => null,
        double d => FromNumber(d),
        string s => FromText(s),
        long l => FromNumber(l),
        bool b => FromBool(b),
        int i => FromNumber(i),
        QueryValue v => v,
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
    /// <summary>The date (for <see cref="QueryValueKind.Date"/>), with the offset it was recorded in.</summary>
    public DateTimeOffset Date => new DateTimeOffset(_ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_offsetMinutes));
    /// <summary>The date as UTC ticks, for comparisons.</summary>
    public long UtcTicks => _ticks;
    public TimeSpan Duration => TimeSpan.FromTicks(_ticks);

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
        QueryValueKind.Date => Date.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
        QueryValueKind.Duration => FormatNumber(Duration.TotalSeconds) + "s",
        _ => "",
    };

    /// <summary>The value as a plain .NET value, for JSON and CSV writers: <see cref="double"/>, <see cref="string"/>,
    /// <see cref="bool"/>, <see cref="DateTimeOffset"/> or <see cref="TimeSpan"/>.</summary>
    public object ToObject() => Kind switch
    {
        QueryValueKind.Number => _number,
        QueryValueKind.Text => _text ?? "",
        QueryValueKind.Bool => Bool,
        QueryValueKind.Date => Date,
        _ => Duration,
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
        _ => _ticks == other._ticks,
    };

    public override bool Equals(object? obj) => obj is QueryValue other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        QueryValueKind.Number or QueryValueKind.Bool => HashCode.Combine(Kind, _number),
        QueryValueKind.Text => HashCode.Combine(Kind, _text),
        _ => HashCode.Combine(Kind, _ticks),
    };

    public static bool operator ==(QueryValue left, QueryValue right) => left.Equals(right);
    public static bool operator !=(QueryValue left, QueryValue right) => !left.Equals(right);
}
