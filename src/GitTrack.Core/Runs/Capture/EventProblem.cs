namespace GitTrack.Core.Runs.Capture;

/// <summary>A line of the events file that was skipped, and why: shown to the user as a warning, never fatal.</summary>
public readonly record struct EventProblem(long Line, string Message)
{
    public override string ToString() => $"events line {Line}: {Message}";
}
