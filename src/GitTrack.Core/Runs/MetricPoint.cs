namespace GitTrack.Core.Runs;

/// <summary>
/// One logged value of a metric. <see cref="Value"/> may be NaN or an infinity (legal, stored and shown as such).
/// <see cref="Step"/> is the training step the caller gave, or null; <see cref="Timestamp"/> is when it was logged.
/// </summary>
public readonly record struct MetricPoint(string Name, double Value, long? Step, DateTimeOffset? Timestamp);
