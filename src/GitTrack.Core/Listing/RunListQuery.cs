namespace GitTrack.Core.Listing;

/// <summary>
/// Which runs a listing shows: a filter in the query language (docs/query.md), sort keys as <c>ls --sort</c> takes
/// them, a page (<see cref="Offset"/>, <see cref="Limit"/>; no limit for every match) and whether runs hidden by
/// <c>gittrack rm</c> are included. Without a sort, runs come newest first.
/// </summary>
public sealed record RunListQuery
{
    public string? Filter { get; init; }
    public string? Sort { get; init; }
    public int Offset { get; init; }
    public int? Limit { get; init; }
    public bool IncludeRemoved { get; init; }

    /// <summary>
    /// When the filter is a lone word that is not an expression (<c>baseline</c>), match it as a case-insensitive
    /// substring of the run's name or a tag key or value, or a prefix of its id, instead of refusing it: the web UI's
    /// filter box, where typing a name should just work. The command line keeps the strict language.
    /// </summary>
    public bool WordSearch { get; init; }
}
