namespace GitTrack.Core.Models;

/// <summary>A version of a model as folded from the entries: its number and the registration it is.</summary>
public sealed record ModelVersion(string Model, long Number, ModelVersionEntry Entry)
{
    /// <summary>The aliases naming this version, in ordinal order.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}
