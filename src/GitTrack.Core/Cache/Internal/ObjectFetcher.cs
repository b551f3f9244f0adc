using System.IO.Pipelines;
using GitTrack.Core.Cache.Remote;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using ZstdSharp;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Brings one object from an artifacts remote into the local cache. The stored bytes go to a temporary file in
/// <c>objects/tmp/</c> and, through a pipe, to a decoder that hashes the content as it arrives; only when the download
/// ended and the hash equals the key is the file flushed and renamed to its final name. A corrupt object (wrong hash,
/// bad zstd, cut short) is reported with its key, and nothing of it stays in the cache.
/// </summary>
internal static class ObjectFetcher
{
    private const int DecodeBlock = 4 << 20;

    public static async Task FetchAsync(ArtifactsRemote remote, string objectsRoot, Blake3Hash key, IProgress<long>? progress, CancellationToken cancellation)
    {
        var tempFolder = Path.Combine(objectsRoot, ObjectPath.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        var tempPath = Path.Combine(tempFolder, AtomicFile.TempName());
        var renamed = false;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 << 20, resumeWriterThreshold: 32 << 20, useSynchronizationContext: false));
            var check = Task.Run(() => Check(pipe.Reader, key, remote, stop), CancellationToken.None);
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                var sink = new TeeStream(file, pipe.Writer);
                try
                {
                    await remote.DownloadAsync(key, sink, progress, stop.Token).ConfigureAwait(false);
                    await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                    // When the check failed first (a corrupt object stops the download), its error is the one to report.
                    if (await Failure(check).ConfigureAwait(false) is { } checkError && e is OperationCanceledException && !cancellation.IsCancellationRequested)
                        throw checkError;
                    throw;
                }
                await check.ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            var finalPath = ObjectPath.Of(objectsRoot, key);
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(tempPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(tempPath, finalPath, overwrite: true);
            renamed = true;
        }
        finally
        {
            if (!renamed)
                AtomicFile.TryDelete(tempPath);
        }
    }

    private static async Task<Exception?> Failure(Task check)
    {
        try
        {
            await check.ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Decodes and hashes what the download writes; throws <see cref="CorruptDataException"/> unless it is the object of <paramref name="key"/>.</summary>
    private static void Check(PipeReader reader, Blake3Hash key, ArtifactsRemote remote, CancellationTokenSource stop)
    {
        using var hasher = Blake3Hasher.Create();
        long size = 0;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DecodeBlock);
        try
        {
            using var input = reader.AsStream();
            using var decoder = new DecompressionStream(input, bufferSize: 1 << 20, checkEndOfStream: true, leaveOpen: false);
            while (true)
            {
                int n;
                try
                {
                    n = decoder.ReadAtLeast(buffer.AsSpan(0, DecodeBlock), DecodeBlock, throwOnEndOfStream: false);
                }
                catch (Exception e) when (e is ZstdException or EndOfStreamException or InvalidDataException or ArgumentException)
                {
                    throw Corrupt(key, remote, $"it does not decode as zstd: {e.Message}", e);
                }
                if (n == 0)
                    break;
                hasher.Update(buffer.AsSpan(0, n));
                size += n;
                if (n < DecodeBlock)
                    break;
            }
            var actual = hasher.Finalize();
            if (actual != key)
                throw Corrupt(key, remote, $"its content ({size} bytes) hashes to {actual}", null);
        }
        catch (CorruptDataException)
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static CorruptDataException Corrupt(Blake3Hash key, ArtifactsRemote remote, string detail, Exception? inner) => new(
        $"corrupt object {key} on the artifacts remote {remote}",
        $"{detail}; nothing was stored or written. Replace it from a clone that has it intact ('gittrack cache push' there after deleting it on the remote)",
        inner);

    /// <summary>Writes each block to the temporary file and then into the pipe the checker reads.</summary>
    private sealed class TeeStream(FileStream file, PipeWriter pipe) : Stream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            var result = await pipe.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
                throw new OperationCanceledException("the content check stopped reading");
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
