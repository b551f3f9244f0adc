using GitTrack.Core.Sweeps.Internal;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// A continuous distribution for random search: <c>uniform(0,0.5)</c> draws evenly between the bounds,
/// <c>loguniform(1e-4,1e-1)</c> evenly between their logarithms (as many values between 1e-4 and 1e-3 as between
/// 1e-2 and 1e-1). Draws are floats.
/// </summary>
public sealed class UniformSpace : ParamSpace
{
    public UniformSpace(string name, double low, double high, bool logarithmic) : base(name)
    {
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high) || (logarithmic && low <= 0))
            throw new ArgumentException("a distribution needs finite bounds low < high (and low > 0 for loguniform)");
        Low = low;
        High = high;
        Logarithmic = logarithmic;
    }

    public double Low { get; }
    public double High { get; }
    public bool Logarithmic { get; }

    public override string Text =>
        $"{(Logarithmic ? "loguniform" : "uniform")}({SpaceText.FormatDouble(Low)},{SpaceText.FormatDouble(High)})";

    public override bool IsFinite => false;
    public override long Count => throw new InvalidOperationException($"{Name}={Text} is a distribution, not a list");
    public override object ValueAt(long index) => throw new InvalidOperationException($"{Name}={Text} is a distribution, not a list");

    public override object Draw(SweepRandom random)
    {
        var u = random.NextDouble();
        if (!Logarithmic)
            return Math.Min(High, Low + u * (High - Low));
        double a = Math.Log(Low), b = Math.Log(High);
        return Math.Clamp(Math.Exp(a + u * (b - a)), Low, High);
    }
}
