namespace GitTrack.Core.Models;

/// <summary>
/// One alias assignment, as stored in <c>models/&lt;model&gt;/aliases/&lt;id&gt;.toml</c>: the alias now names the
/// version registered by entry <see cref="VersionEntry"/> (shown then as number <see cref="Version"/>). Never
/// rewritten; per alias the assignment with the greatest (clock, time, id) holds.
/// </summary>
public sealed record ModelAliasEntry(string Id, string Model, string Alias, string VersionEntry, long Version,
    DateTimeOffset AssignedAt, long Clock);
