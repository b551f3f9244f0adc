namespace GitTrack.Core.Runs;

/// <summary>
/// Where an imported run came from: the tool (<c>mlflow</c>) and the run's id there. Kept in the manifest's
/// <c>[origin]</c> table, which users cannot edit as they can tags, so a second import recognises the run.
/// </summary>
public sealed record RunOrigin(string Source, string Id)
{
    /// <summary>True when both parts are safe to store and show: a short lowercase tool name, an id without control characters.</summary>
    public bool IsValid =>
        Source.Length is >= 1 and <= 32 && Source.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
        && Id.Length is >= 1 and <= 256 && !Id.Any(char.IsControl);
}
