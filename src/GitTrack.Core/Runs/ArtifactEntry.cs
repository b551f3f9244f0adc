using GitTrack.Core.Hashing;

namespace GitTrack.Core.Runs;

/// <summary>An artifact of a run: a file at a path relative to the work tree root (forward slashes), stored in the cache under its key.</summary>
public sealed record ArtifactEntry(string Path, Blake3Hash Key, long Size);
