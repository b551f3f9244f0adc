namespace GitTrack.Core.Diff;

/// <summary>Run B's last value of a metric judged against run A's, by the metric's direction.</summary>
public enum MetricVerdict
{
    /// <summary>The direction is unknown, or a value is missing or NaN.</summary>
    Unknown = 0,
    Same = 1,
    Better = 2,
    Worse = 3,
}
