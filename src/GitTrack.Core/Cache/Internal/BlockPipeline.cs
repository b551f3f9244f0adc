using System.Buffers;
namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Streams content through the cache in fixed blocks with bounded memory (two blocks): while one block is hashed
/// (on a worker) and handed to the writer (on the calling thread), the next one is read (on another worker).
/// Blocks are hashed strictly in order, one at a time.
/// </summary>
internal static class BlockPipeline
{
    internal const int BlockSize = 8 << 20;

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="source"/>; less than full only at the end.</summary>
    public static int ReadBlock(Stream source, byte[] buffer) =>
        source.ReadAtLeast(buffer.AsSpan(0, BlockSize), BlockSize, throwOnEndOfStream: false);

    /// <summary>Fills <paramref name="buffer"/> by calling <paramref name="read"/> until it is full or returns 0.</summary>
    public static int ReadBlock(Func<Memory<byte>, int> read, byte[] buffer)
    {
        int filled = 0;
        while (filled < BlockSize)
        {
            int n = read(buffer.AsMemory(filled, BlockSize - filled));
            if (n == 0)
                break;
            filled += n;
        }
        return filled;
    }

    /// <summary>
    /// Hashes and writes <paramref name="first"/> (already read, <paramref name="firstLength"/> bytes) and then
    /// every further block <paramref name="readBlock"/> returns, until a short block. Returns the bytes processed.
    /// </summary>
    public static long Run(Func<byte[], int> readBlock, byte[] first, int firstLength, Action<byte[], int> hash,
        Action<byte[], int> write, IProgress<long>? progress, CancellationToken cancellation)
    {
        var current = first;
        var next = ArrayPool<byte>.Shared.Rent(BlockSize);
        int length = firstLength;
        long total = 0;
        try
        {
            while (length > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                var block = current;
                int blockLength = length;
                var nextBuffer = next;
                bool more = length == BlockSize;
                var hashing = Task.Run(() => hash(block, blockLength));
                var reading = more ? Task.Run(() => readBlock(nextBuffer)) : Task.FromResult(0);
                try
                {
                    write(block, blockLength);
                }
                finally
                {
                    // Never let a worker outlive this frame: the buffers go back to the pool afterwards.
                    WaitQuietly(hashing);
                    WaitQuietly(reading);
                }
                hashing.GetAwaiter().GetResult();
                int nextLength = reading.GetAwaiter().GetResult();
                total += blockLength;
                progress?.Report(total);
                (current, next) = (next, current);
                length = nextLength;
            }
            return total;
        }
        finally
        {
            // Whichever buffer is not the caller's goes back to the pool.
            ArrayPool<byte>.Shared.Return(ReferenceEquals(current, first) ? next : current);
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // Observed by the caller through GetResult.
        }
    }
}
