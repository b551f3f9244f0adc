namespace GitTrack.Core.Diff;

/// <summary>
/// A metric's last value in run A and run B, the change B - A, the change relative to |A| (null when A is 0, missing
/// or not finite), and whether B is better by the metric's <see cref="Direction"/>.
/// </summary>
public sealed record MetricChange(string Name, double? Old, double? New, MetricDirection Direction)
{
    public ChangeKind Kind => Old is null ? ChangeKind.Added : New is null ? ChangeKind.Removed
        : Old.Value.Equals(New.Value) ? ChangeKind.Same : ChangeKind.Changed;

    public double? Absolute => Old is { } a && New is { } b ? b - a : null;

    public double? Relative => Old is { } a && New is { } b && a != 0 && double.IsFinite(a) && double.IsFinite(b) ? (b - a) / Math.Abs(a) : null;

    public MetricVerdict Verdict
    {
        get
        {
            if (Old is not { } a || New is not { } b || double.IsNaN(a) || double.IsNaN(b))
                return MetricVerdict.Unknown;
            if (a.Equals(b))
                return MetricVerdict.Same;
            return Direction switch
            {
                MetricDirection.Min => b < a ? MetricVerdict.Better : MetricVerdict.Worse,
                MetricDirection.Max => b > a ? MetricVerdict.Better : MetricVerdict.Worse,
                _ => MetricVerdict.Unknown,
            };
        }
    }
}
