using GitTrack.Core.Sweeps.Internal;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// A list of typed values (<c>lr=0.1,0.01,0.001</c>, <c>choice(64,128,256)</c>); a single value (<c>epochs=10</c>) is
/// a list of one, fixed in every trial. Values are <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or
/// <see cref="string"/>, typed as <c>gittrack run -p</c> types them.
/// </summary>
public sealed class ValueListSpace : ParamSpace
{
    private readonly object[] _values;

    public ValueListSpace(string name, IReadOnlyList<object> values, bool writtenAsChoice = false) : base(name)
    {
        if (values.Count == 0)
            throw new ArgumentException("a list space has at least one value", nameof(values));
        _values = [.. values];
        WrittenAsChoice = writtenAsChoice;
    }

    public IReadOnlyList<object> Values => _values;

    /// <summary>Written as <c>choice(...)</c> rather than a bare list; the same values either way.</summary>
    public bool WrittenAsChoice { get; }

    public override string Text
    {
        get
        {
            var list = string.Join(",", _values.Select(SpaceText.FormatValue));
            return WrittenAsChoice ? $"choice({list})" : list;
        }
    }

    public override bool IsFinite => true;
    public override long Count => _values.Length;
    public override object ValueAt(long index) => _values[index];
    public override object Draw(SweepRandom random) => _values[random.NextIndex(_values.Length)];
}
