namespace GitTrack.Core.Diff;

/// <summary>Which way a metric improves, when known.</summary>
public enum MetricDirection
{
    Unknown = 0,
    /// <summary>Lower is better (loss, error, time).</summary>
    Min = 1,
    /// <summary>Higher is better (accuracy, f1, auc).</summary>
    Max = 2,
}
