namespace GitTrack.Core.Sweeps;

/// <summary>How a sweep chooses its trials.</summary>
public enum SweepMode
{
    /// <summary>Every combination of the params' values (lists and ranges), one trial each.</summary>
    Grid = 0,
    /// <summary>A given number of points drawn at random (reproducible from the seed).</summary>
    Random = 1,
}
