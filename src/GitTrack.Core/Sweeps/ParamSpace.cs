namespace GitTrack.Core.Sweeps;

/// <summary>
/// The values one param of a sweep may take (docs/sweeps.md): a list (a single value is a list of one), an integer
/// range, or a continuous distribution for random search. <see cref="Text"/> is its canonical written form, which
/// <see cref="SpaceParser"/> reads back to an equal space; a sweep's parent run records it as the param's value.
/// </summary>
public abstract class ParamSpace
{
    protected ParamSpace(string name) => Name = name;

    /// <summary>The param's name (dotted for nested params, as <c>gittrack run -p</c> takes it).</summary>
    public string Name { get; }

    /// <summary>The canonical text of the space (<c>0.1,0.01</c>, <c>2..8:2</c>, <c>loguniform(0.0001,0.1)</c>).</summary>
    public abstract string Text { get; }

    /// <summary>True when the space has finitely many values, so a grid can go over them.</summary>
    public abstract bool IsFinite { get; }

    /// <summary>How many values a grid takes from it (finite spaces only).</summary>
    public abstract long Count { get; }

    /// <summary>The <paramref name="index"/>-th value a grid takes, 0-based (finite spaces only).</summary>
    public abstract object ValueAt(long index);

    /// <summary>One value drawn at random: uniformly among the values of a finite space, from the distribution otherwise.</summary>
    public abstract object Draw(SweepRandom random);

    public override string ToString() => $"{Name}={Text}";
}
