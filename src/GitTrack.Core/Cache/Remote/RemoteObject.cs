using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Remote;

/// <summary>One object on an artifacts remote: its key, its stored (compressed) size, and when it was last written.</summary>
public sealed record RemoteObject(Blake3Hash Key, long Size, DateTimeOffset LastModified);
