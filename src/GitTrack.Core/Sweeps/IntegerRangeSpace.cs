using System.Globalization;

namespace GitTrack.Core.Sweeps;

/// <summary>The integers from <see cref="Start"/> to <see cref="End"/> (both included) by <see cref="Step"/>: <c>depth=2..8</c>, <c>2..8:2</c>.</summary>
public sealed class IntegerRangeSpace : ParamSpace
{
    public IntegerRangeSpace(string name, long start, long end, long step) : base(name)
    {
        if (start > end || step <= 0)
            throw new ArgumentException("a range goes up from start to end by a positive step");
        Start = start;
        End = end;
        Step = step;
    }

    public long Start { get; }
    public long End { get; }
    public long Step { get; }

    public override string Text => Step == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Start}..{End}")
        : string.Create(CultureInfo.InvariantCulture, $"{Start}..{End}:{Step}");

    public override bool IsFinite => true;

    // Computed in 128 bits: End - Start can exceed a long (-2^63..2^63-1); no grid goes over that many anyway.
    public override long Count
    {
        get
        {
            var count = ((Int128)End - Start) / Step + 1;
            return count > long.MaxValue ? long.MaxValue : (long)count;
        }
    }

    public override object ValueAt(long index) => Start + index * Step;

    public override object Draw(SweepRandom random) => ValueAt(random.NextIndex(Count));
}
