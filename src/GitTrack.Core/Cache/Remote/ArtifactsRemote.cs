using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Remote;

/// <summary>
/// A store of cache objects shared by clones: an S3 bucket (<see cref="S3Remote"/>) or a folder
/// (<see cref="FolderRemote"/>), both in the cache's own layout (<c>&lt;prefix&gt;/objects/&lt;2 hex&gt;/&lt;62 hex&gt;</c>,
/// each object the same zstd stream as in the local cache). Objects move as stored bytes; the cache verifies them
/// (<see cref="ArtifactCache"/>). An object appears under its final name only complete: S3's own atomic
/// completion of a put or multipart upload, a folder's rename. Instances are safe for concurrent calls.
/// </summary>
public abstract class ArtifactsRemote : IDisposable
{
    /// <summary>The remote as configured, without credentials (they never appear in a URL).</summary>
    public ArtifactsLocation Location { get; }

    protected ArtifactsRemote(ArtifactsLocation location) => Location = location;

    /// <summary>The remote for <paramref name="location"/>; S3 credentials, region and endpoint come from the AWS chain.</summary>
    public static ArtifactsRemote Open(ArtifactsLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Kind == ArtifactsLocationKind.S3 ? new S3Remote(location) : new FolderRemote(location);
    }

    /// <summary>The object with <paramref name="key"/>, or null when the remote lacks it.</summary>
    public abstract Task<RemoteObject?> StatAsync(Blake3Hash key, CancellationToken cancellation);

    /// <summary>
    /// The remote's objects in ascending key order, those whose hex key starts with <paramref name="hexPrefix"/>
    /// (empty: all) and sorts after <paramref name="startAfter"/> (null: from the start). Stray names are skipped.
    /// </summary>
    public abstract IAsyncEnumerable<RemoteObject> ListAsync(string hexPrefix, string? startAfter, CancellationToken cancellation);

    /// <summary>
    /// Stores the local object file <paramref name="objectFile"/> (its stored bytes) as <paramref name="key"/>.
    /// <paramref name="verified"/> completes once the caller has checked the file's content: the object is made
    /// visible under its final name only after that, and never when it faults. Progress reports bytes sent, as increments.
    /// </summary>
    public abstract Task UploadAsync(Blake3Hash key, string objectFile, Task verified, IProgress<long>? progress, CancellationToken cancellation);

    /// <summary>
    /// Writes the stored bytes of <paramref name="key"/>, in order, to <paramref name="destination"/> (large objects
    /// come down in parallel ranges). Throws <see cref="RemoteObjectMissingException"/> when the remote lacks it.
    /// </summary>
    public abstract Task DownloadAsync(Blake3Hash key, Stream destination, IProgress<long>? progress, CancellationToken cancellation);

    /// <summary>Deletes the objects; keys already gone are not an error.</summary>
    public abstract Task DeleteAsync(IReadOnlyList<Blake3Hash> keys, CancellationToken cancellation);

    /// <summary>Sets the object's modification time to now, so a gc of the remote counts it as new.</summary>
    public abstract Task TouchAsync(Blake3Hash key, CancellationToken cancellation);

    /// <summary>Removes what interrupted uploads left (incomplete multipart uploads, temporary files) older than <paramref name="age"/>; returns how many.</summary>
    public abstract Task<int> CleanUpInterruptedAsync(TimeSpan age, CancellationToken cancellation);

    public override string ToString() => Location.ToString();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>The remote has no object with the key asked for.</summary>
public sealed class RemoteObjectMissingException(Blake3Hash key) : Exception($"no object {key} on the artifacts remote")
{
    public Blake3Hash Key { get; } = key;
}
