namespace GitTrack.Core.Models;

/// <summary>A model's current state, folded from its entries: versions by number, aliases to versions.</summary>
public sealed record RegisteredModel(string Name, IReadOnlyList<ModelVersion> Versions, IReadOnlyDictionary<string, ModelVersion> Aliases)
{
    public ModelVersion? Latest => Versions.Count == 0 ? null : Versions[^1];

    /// <summary>The highest Lamport clock of any of its entries (a new entry takes one more).</summary>
    public long Clock { get; init; }
}
