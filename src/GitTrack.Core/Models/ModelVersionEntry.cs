using GitTrack.Core.Hashing;

namespace GitTrack.Core.Models;

/// <summary>
/// One registration, as stored in <c>models/&lt;model&gt;/versions/&lt;id&gt;.toml</c> (docs/format.md "Models"):
/// a run's artifact (path, BLAKE3 key, size) registered at a time, with the Lamport clock and the version number
/// the registering clone saw as next (<see cref="Claimed"/>). Never rewritten.
/// </summary>
public sealed record ModelVersionEntry(string Id, string Model, string Run, string Artifact, Blake3Hash Key, long Size,
    DateTimeOffset RegisteredAt, long Clock, long Claimed);
