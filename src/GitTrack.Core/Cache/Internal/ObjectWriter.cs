using System.Buffers;
using GitTrack.Core.Hashing;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Turns content into a cache object: reads it in blocks, hashes every block, and writes a zstd stream to a
/// temporary file in the objects' temp folder, then either drops it (the key is already stored) or flushes it to
/// disk and renames it to its final name. The first block decides how the rest is stored: a fast level-1 trial
/// compression of it saving less than 10% means raw zstd blocks (<see cref="RawZstdFrameWriter"/>), else zstd
/// level 3 with up to <see cref="MaxWorkers"/> workers. Content whose start is incompressible is stored raw
/// throughout, even if later parts would compress: the decision is made once, before any byte is written.
/// </summary>
internal static class ObjectWriter
{
    internal const int CompressionLevel = 3;
    internal const int SampleLevel = 1;
    internal const int SampleSize = 4 << 20;
    /// <summary>Compressed/original size of the sample above which content is stored raw.</summary>
    internal const double RawThreshold = 0.9;
    /// <summary>
    /// At most this many zstd workers, each with 4 MiB jobs: every worker holds a job's input and output and its
    /// own match tables (about 10 MiB), so this bounds the memory of an add on a many-core machine.
    /// </summary>
    internal const int MaxWorkers = 8;
    internal const int JobSize = 4 << 20;
    /// <summary>Smaller content is always compressed: the trial says little and there is nothing to save.</summary>
    internal const int MinSampleSize = 4096;

    /// <summary>Which zstd encoding an add chose.</summary>
    internal enum Encoding { Compressed, Raw }

    public static (Blake3Hash Key, Encoding Encoding) Write(Stream source, string objectsRoot,
        IProgress<long>? progress, CancellationToken cancellation)
    {
        var tempFolder = Path.Combine(objectsRoot, ObjectPath.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        var tempPath = Path.Combine(tempFolder, AtomicFile.TempName());
        using var hasher = Blake3Hasher.Create();
        var first = ArrayPool<byte>.Shared.Rent(BlockPipeline.BlockSize);
        bool renamed = false;
        try
        {
            int firstLength = BlockPipeline.ReadBlock(source, first);
            var encoding = ChooseEncoding(first.AsSpan(0, firstLength));
            Blake3Hash key;
            // Shared for reading: SameBytes reads it back while it is still open (on Unix, FileShare.None would lock it).
            using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0))
            {
                // One core hashes while others read and write (BlockPipeline): measured as fast as hashing each block
                // on all cores, and steadier on a busy machine (docs/hashing.md).
                Action<byte[], int> hash = (block, length) => hasher.Update(block.AsSpan(0, length));
                Func<byte[], int> read = buffer => BlockPipeline.ReadBlock(source, buffer);
                var writeback = new EarlyWriteback(file.SafeFileHandle);
                if (encoding == Encoding.Raw)
                {
                    var raw = new RawZstdFrameWriter(file.SafeFileHandle, 0);
                    BlockPipeline.Run(read, first, firstLength, hash, (block, length) =>
                    {
                        raw.Write(block.AsMemory(0, length));
                        writeback.UpTo(raw.Offset);
                    }, progress, cancellation);
                    raw.Complete();
                }
                else
                {
                    using var zstd = new CompressionStream(file, CompressionLevel, bufferSize: 1 << 20, leaveOpen: true);
                    if (firstLength == BlockPipeline.BlockSize && Environment.ProcessorCount > 1)
                    {
                        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, Math.Min(Environment.ProcessorCount, MaxWorkers));
                        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_jobSize, JobSize);
                    }
                    BlockPipeline.Run(read, first, firstLength, hash, (block, length) =>
                    {
                        zstd.Write(block, 0, length);
                        writeback.UpTo(file.Position);
                    }, progress, cancellation);
                    zstd.Flush();
                }
                key = hasher.Finalize();
                var finalPath = ObjectPath.Of(objectsRoot, key);
                // Already stored: the temporary file is dropped unflushed in finally, unless the stored object is not
                // what this content makes (damaged on disk, or another valid encoding): then it is replaced below, so
                // adding the content again repairs the cache instead of pointing a new run at damaged bytes.
                if (File.Exists(finalPath) && SameBytes(finalPath, tempPath, file.Length))
                    return (key, encoding);
                file.Flush(flushToDisk: true);
            }
            var objectPath = ObjectPath.Of(objectsRoot, key);
            Directory.CreateDirectory(Path.GetDirectoryName(objectPath)!);
            // Objects are never modified in place: read-only, as git does with its loose objects.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(tempPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            // rename(2) replaces atomically; a racing writer of the same key renames identical content.
            File.Move(tempPath, objectPath, overwrite: true);
            renamed = true;
            return (key, encoding);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
            if (!renamed)
                AtomicFile.TryDelete(tempPath);
        }
    }

    /// <summary>
    /// Whether the object at <paramref name="stored"/> holds exactly the bytes of the just-written <paramref name="written"/>
    /// (<paramref name="length"/> bytes). Cheaper than re-hashing the stored object: compressed bytes are compared, no
    /// decompression; the written file was just made, so it is still in the page cache. Content written the same way
    /// gives the same bytes; any difference (a damaged object, or another encoder's valid bytes) means "replace", which
    /// costs a flush and a rename but is never wrong.
    /// </summary>
    internal static bool SameBytes(string stored, string written, long length)
    {
        try
        {
            using var a = new FileStream(stored, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            if (a.Length != length)
                return false;
            using var b = new FileStream(written, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            var bufferA = ArrayPool<byte>.Shared.Rent(CompareBlock);
            var bufferB = ArrayPool<byte>.Shared.Rent(CompareBlock);
            try
            {
                while (true)
                {
                    var readA = a.ReadAtLeast(bufferA.AsSpan(0, CompareBlock), CompareBlock, throwOnEndOfStream: false);
                    var readB = b.ReadAtLeast(bufferB.AsSpan(0, CompareBlock), CompareBlock, throwOnEndOfStream: false);
                    if (readA != readB || !bufferA.AsSpan(0, readA).SequenceEqual(bufferB.AsSpan(0, readB)))
                        return false;
                    if (readA < CompareBlock)
                        return true;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bufferA);
                ArrayPool<byte>.Shared.Return(bufferB);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // unreadable: replace it
        }
    }

    private const int CompareBlock = 1 << 20;

    /// <summary>Trial-compresses the start of the content at a fast level to see whether compression pays.</summary>
    internal static Encoding ChooseEncoding(ReadOnlySpan<byte> firstBlock)
    {
        if (firstBlock.Length < MinSampleSize)
            return Encoding.Compressed;
        var sample = firstBlock[..Math.Min(SampleSize, firstBlock.Length)];
        using var compressor = new Compressor(SampleLevel);
        var output = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(sample.Length));
        try
        {
            int compressed = compressor.Wrap(sample, output);
            return compressed > RawThreshold * sample.Length ? Encoding.Raw : Encoding.Compressed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
