using System.Runtime.CompilerServices;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Remote;

/// <summary>
/// An artifacts remote in a folder (an NFS mount on a cluster, a shared drive): <c>&lt;folder&gt;/objects/</c> laid out
/// exactly as the local cache. Uploads are written to <c>objects/tmp/</c> on the remote file system, flushed, and
/// renamed into place (atomic on one file system, NFS included), so a reader never sees a partial object and two
/// clones writing the same key both succeed with identical bytes.
/// </summary>
public sealed class FolderRemote : ArtifactsRemote
{
    private const int CopyBuffer = 1 << 20;
    private readonly string _objects;

    public FolderRemote(ArtifactsLocation location) : base(location) =>
        _objects = Path.Combine(location.Folder, "objects");

    private string PathOf(Blake3Hash key) => ObjectPath.Of(_objects, key);

    public override Task<RemoteObject?> StatAsync(Blake3Hash key, CancellationToken cancellation)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new RemoteObject(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public override async IAsyncEnumerable<RemoteObject> ListAsync(string hexPrefix, string? startAfter,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(_objects))
            yield break;
        var folders = Directory.EnumerateDirectories(_objects).Select(Path.GetFileName)
            .Where(name => name is { Length: 2 } && ObjectPath.IsLowerHex(name))
            .Where(name => hexPrefix.Length < 2 ? name!.StartsWith(hexPrefix, StringComparison.Ordinal) : name == hexPrefix[..2])
            .Order(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            cancellation.ThrowIfCancellationRequested();
            var objects = new List<RemoteObject>();
            foreach (var file in new DirectoryInfo(Path.Combine(_objects, folder!)).EnumerateFiles())
            {
                if (ObjectPath.TryParse(folder!, file.Name) is not { } key)
                    continue;
                var hex = key.ToString();
                if (!hex.StartsWith(hexPrefix, StringComparison.Ordinal) || (startAfter is not null && string.CompareOrdinal(hex, startAfter) <= 0))
                    continue;
                objects.Add(new RemoteObject(key, file.Length, file.LastWriteTimeUtc));
            }
            foreach (var found in objects.OrderBy(o => o.Key.ToString(), StringComparer.Ordinal))
                yield return found;
        }
    }

    public override async Task UploadAsync(Blake3Hash key, string objectFile, Task verified, IProgress<long>? progress, CancellationToken cancellation)
    {
        var tempFolder = Path.Combine(_objects, ObjectPath.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        // The host in the name keeps two machines writing to one shared folder apart even when their pids agree.
        var temp = Path.Combine(tempFolder, AtomicFile.TempName($"{SafeHost()}-"));
        try
        {
            await using (var source = new FileStream(objectFile, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBuffer, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBuffer, FileOptions.Asynchronous))
            {
                await CopyAsync(source, target, progress, cancellation).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            await verified.ConfigureAwait(false);
            var final = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temp, final, overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    public override async Task DownloadAsync(Blake3Hash key, Stream destination, IProgress<long>? progress, CancellationToken cancellation)
    {
        FileStream source;
        try
        {
            source = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, CopyBuffer, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RemoteObjectMissingException(key);
        }
        await using (source.ConfigureAwait(false))
            await CopyAsync(source, destination, progress, cancellation).ConfigureAwait(false);
    }

    public override Task DeleteAsync(IReadOnlyList<Blake3Hash> keys, CancellationToken cancellation)
    {
        foreach (var key in keys)
        {
            cancellation.ThrowIfCancellationRequested();
            File.Delete(PathOf(key)); // no error when it is already gone
        }
        return Task.CompletedTask;
    }

    public override Task TouchAsync(Blake3Hash key, CancellationToken cancellation)
    {
        File.SetLastWriteTimeUtc(PathOf(key), DateTime.UtcNow);
        return Task.CompletedTask;
    }

    public override Task<int> CleanUpInterruptedAsync(TimeSpan age, CancellationToken cancellation)
    {
        var folder = Path.Combine(_objects, ObjectPath.TempFolderName);
        var removed = 0;
        if (!Directory.Exists(folder))
            return Task.FromResult(0);
        var cutoff = DateTime.UtcNow - age;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("tmp-*"))
        {
            if (file.LastWriteTimeUtc >= cutoff)
                continue;
            try
            {
                file.Delete();
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another machine removed it or still holds it.
            }
        }
        return Task.FromResult(removed);
    }

    private static async Task CopyAsync(Stream source, Stream target, IProgress<long>? progress, CancellationToken cancellation)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer.AsMemory(0, CopyBuffer), cancellation).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, n), cancellation).ConfigureAwait(false);
                progress?.Report(n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string SafeHost()
    {
        var host = Environment.MachineName;
        var safe = new string(host.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
        return safe.Length == 0 ? "host" : safe;
    }
}
