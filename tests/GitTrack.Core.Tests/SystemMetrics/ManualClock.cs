namespace GitTrack.Core.Tests.SystemMetrics;

/// <summary>A clock the test moves by hand: wall time and the timestamps rates are measured with move together.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 6, 12, 0, 0, TimeSpan.Zero);
    private long _ticks = 1_000_000;

    public override DateTimeOffset GetUtcNow() => _now;
    public override long GetTimestamp() => _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by)
    {
        _now += by;
        _ticks += by.Ticks;
    }
}
