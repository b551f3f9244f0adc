using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using GitTrack.Core.Hashing.Internal;

namespace GitTrack.Core.Hashing;

/// <summary>
/// Incremental BLAKE3 (hash, keyed_hash and derive_key modes, extendable output), written here from the
/// specification with SIMD and multi-core paths (see docs/hashing.md for why and how).
/// Feed bytes with <see cref="Update(ReadOnlySpan{byte})"/>, then call <see cref="Finalize()"/>.
/// </summary>
public sealed class Blake3Hasher
{
    public const int KeyLength = 32;
    internal const int BlockLen = 64;
    internal const int ChunkLen = 1024;
    private const int MaxDepth = 54; // 2^54 chunks of 1 KiB is more than 2^64 bytes

    private readonly uint[] _key = new uint[8];
    private readonly uint _flags;
    private readonly uint[] _cvStack = new uint[MaxDepth * 8];
    private int _cvStackLen;

    // A complete subtree that ended exactly where the last input ended, not yet pushed: it may be the root's right
    // child, which Finalize must compress with the ROOT flag. Only while the chunk being filled is empty.
    private readonly uint[] _pendingCv = new uint[8];
    private bool _hasPending;
    private int _pendingLog2Chunks;

    // The chunk being filled.
    private readonly uint[] _chunkCv = new uint[8];
    private ulong _chunkCounter;
    private readonly byte[] _block = new byte[BlockLen];
    private int _blockLen;
    private int _blocksCompressed;

    private Blake3Hasher(ReadOnlySpan<uint> key, uint flags)
    {
        key.CopyTo(_key);
        _flags = flags;
        Reset();
    }

    /// <summary>A hasher for the default (unkeyed) mode.</summary>
    public static Blake3Hasher Create() => new(Blake3Compress.IV, 0);

    /// <summary>A hasher for keyed_hash mode with a 32-byte key.</summary>
    public static Blake3Hasher CreateKeyed(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"a BLAKE3 key is {KeyLength} bytes", nameof(key));
        Span<uint> words = stackalloc uint[8];
        for (int i = 0; i < 8; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        return new Blake3Hasher(words, Blake3Compress.KeyedHash);
    }

    /// <summary>A hasher for derive_key mode: feed it the key material; the context string should be hard-coded and unique.</summary>
    public static Blake3Hasher CreateDeriveKey(string context)
    {
        var contextHasher = new Blake3Hasher(Blake3Compress.IV, Blake3Compress.DeriveKeyContext);
        contextHasher.Update(Encoding.UTF8.GetBytes(context));
        Span<byte> contextKey = stackalloc byte[KeyLength];
        contextHasher.Finalize(contextKey);
        Span<uint> words = stackalloc uint[8];
        for (int i = 0; i < 8; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(contextKey[(4 * i)..]);
        return new Blake3Hasher(words, Blake3Compress.DeriveKeyMaterial);
    }

    /// <summary>The BLAKE3 hash of <paramref name="input"/>.</summary>
    public static Blake3Hash Hash(ReadOnlySpan<byte> input)
    {
        var hasher = Create();
        hasher.Update(input);
        return hasher.Finalize();
    }

    /// <summary>Forgets everything fed so far; the mode and key stay.</summary>
    public void Reset()
    {
        _cvStackLen = 0;
        _hasPending = false;
        StartChunk(0);
    }

    private void StartChunk(ulong counter)
    {
        _key.CopyTo(_chunkCv, 0);
        _chunkCounter = counter;
        _blockLen = 0;
        _blocksCompressed = 0;
        Array.Clear(_block);
    }

    private int ChunkBytes => _blocksCompressed * BlockLen + _blockLen;

    private uint ChunkStartFlag => _blocksCompressed == 0 ? Blake3Compress.ChunkStart : 0u;

    /// <summary>Adds <paramref name="input"/> to the hashed bytes.</summary>
    public void Update(ReadOnlySpan<byte> input) => UpdateCore(input, parallel: false, DefaultMinParallelChunks);

    /// <summary>
    /// Like <see cref="Update(ReadOnlySpan{byte})"/>, but hashes independent subtrees of a large input on several
    /// cores. The result is identical; inputs under 128 KiB take the single-threaded path.
    /// </summary>
    public void UpdateParallel(ReadOnlySpan<byte> input) => UpdateParallel(input, DefaultMinParallelChunks);

    /// <summary>UpdateParallel splitting subtrees down to <paramref name="minParallelChunks"/> chunks; tests use small ones.</summary>
    internal void UpdateParallel(ReadOnlySpan<byte> input, int minParallelChunks)
    {
        if (input.Length >= minParallelChunks * ChunkLen && Environment.ProcessorCount > 1)
            UpdateCore(input, parallel: true, minParallelChunks);
        else
            UpdateCore(input, parallel: false, minParallelChunks);
    }

    /// <summary>The BLAKE3 hash of <paramref name="input"/>, hashed on all cores when it is large.</summary>
    public static Blake3Hash HashParallel(ReadOnlySpan<byte> input)
    {
        var hasher = Create();
        hasher.UpdateParallel(input);
        return hasher.Finalize();
    }

    /// <summary>Which compression code hashes whole chunks; only tests change it.</summary>
    internal Blake3Backend Backend { get; set; } = Blake3Backend.Auto;

    private const int DefaultMinParallelChunks = 128; // 128 KiB: smaller inputs are not worth a thread

    private unsafe void UpdateCore(ReadOnlySpan<byte> input, bool parallel, int minParallelChunks)
    {
        Span<uint> blockWords = stackalloc uint[16];
        Span<uint> output = stackalloc uint[16];
        Span<uint> cv = stackalloc uint[8];
        Span<uint> children = stackalloc uint[16];
        while (!input.IsEmpty)
        {
            if (_hasPending)
            {
                // More input follows the pending subtree, so it is not the root's child after all.
                _pendingCv.CopyTo(cv);
                AddSubtreeChainingValue(cv, _chunkCounter, _pendingLog2Chunks);
                _hasPending = false;
            }

            if (ChunkBytes == ChunkLen)
            {
                // The chunk is complete and more input follows, so it is not the root: fold it into the tree.
                Blake3Compress.WordsFromBlock(_block, blockWords);
                Blake3Compress.Compress(_chunkCv, blockWords, _chunkCounter, (uint)_blockLen, _flags | ChunkStartFlag | Blake3Compress.ChunkEnd, output);
                output[..8].CopyTo(cv);
                ulong totalChunks = _chunkCounter + 1;
                AddSubtreeChainingValue(cv, totalChunks, 0);
                StartChunk(totalChunks);
            }

            if (ChunkBytes == 0 && input.Length > ChunkLen)
            {
                // Whole chunks: hash the largest power-of-two subtree that starts at this chunk counter, many chunks at
                // once, and push its one chaining value. A subtree that ends the input may hold the root, so it is kept
                // as its two children: the left one pushed, the right one pending until more input or Finalize.
                int wholeChunks = input.Length / ChunkLen;
                int subtreeChunks = 1 << BitOperations.Log2((uint)wholeChunks);
                if (!parallel)
                    subtreeChunks = Math.Min(subtreeChunks, Blake3Subtree.MaxBatchChunks);
                while ((_chunkCounter & (ulong)(subtreeChunks - 1)) != 0)
                    subtreeChunks >>= 1;
                bool endsInput = subtreeChunks * ChunkLen == input.Length;
                if (!(endsInput && subtreeChunks == 1))
                {
                    int log2 = BitOperations.Log2((uint)subtreeChunks);
                    int parallelDepth = parallel ? BitOperations.Log2((uint)Environment.ProcessorCount) + 3 : 0;
                    fixed (byte* p = input)
                    fixed (uint* key = _key)
                    fixed (uint* result = children)
                    {
                        Blake3Subtree.Hash(p, subtreeChunks, _chunkCounter, key, _flags, Backend, parallelDepth, minParallelChunks,
                            result, endsInput ? 2 : 1);
                    }
                    ulong total = _chunkCounter + (ulong)subtreeChunks;
                    if (endsInput)
                    {
                        children[..8].CopyTo(cv);
                        AddSubtreeChainingValue(cv, total - (ulong)(subtreeChunks / 2), log2 - 1);
                        children[8..].CopyTo(_pendingCv);
                        _pendingLog2Chunks = log2 - 1;
                        _hasPending = true;
                    }
                    else
                    {
                        children[..8].CopyTo(cv);
                        AddSubtreeChainingValue(cv, total, log2);
                    }
                    StartChunk(total);
                    input = input[(subtreeChunks * ChunkLen)..];
                    continue;
                }
            }

            if (_blockLen == BlockLen)
            {
                // A full block with more input after it is never the chunk's last block.
                Blake3Compress.WordsFromBlock(_block, blockWords);
                Blake3Compress.Compress(_chunkCv, blockWords, _chunkCounter, BlockLen, _flags | ChunkStartFlag, output);
                output[..8].CopyTo(_chunkCv);
                _blocksCompressed++;
                _blockLen = 0;
                Array.Clear(_block);
            }

            int take = Math.Min(BlockLen - _blockLen, input.Length);
            take = Math.Min(take, ChunkLen - ChunkBytes);
            input[..take].CopyTo(_block.AsSpan(_blockLen));
            _blockLen += take;
            input = input[take..];
        }
    }

    /// <summary>
    /// Pushes the chaining value of a complete subtree of 2^<paramref name="log2Chunks"/> chunks that ends at
    /// <paramref name="totalChunks"/>, merging every finished pair below it: each trailing zero bit of the chunk
    /// count above the subtree's own size is a left sibling on the stack waiting for it. Only called when more
    /// input follows, so no merged node here can be the root.
    /// </summary>
    private void AddSubtreeChainingValue(Span<uint> cv, ulong totalChunks, int log2Chunks)
    {
        Span<uint> block = stackalloc uint[16];
        Span<uint> output = stackalloc uint[16];
        totalChunks >>= log2Chunks;
        while ((totalChunks & 1) == 0)
        {
            _cvStackLen--;
            _cvStack.AsSpan(_cvStackLen * 8, 8).CopyTo(block);
            cv.CopyTo(block[8..]);
            Blake3Compress.Compress(_key, block, 0, BlockLen, _flags | Blake3Compress.Parent, output);
            output[..8].CopyTo(cv);
            totalChunks >>= 1;
        }
        cv.CopyTo(_cvStack.AsSpan(_cvStackLen * 8, 8));
        _cvStackLen++;
    }

    /// <summary>The 32-byte digest of everything fed so far. The hasher can keep taking input afterwards.</summary>
    public Blake3Hash Finalize()
    {
        Span<byte> bytes = stackalloc byte[Blake3Hash.Length];
        Finalize(bytes);
        return new Blake3Hash(bytes);
    }

    /// <summary>Extendable output: fills <paramref name="output"/> with as many bytes as it holds.</summary>
    public void Finalize(Span<byte> output)
    {
        // The root node's inputs: start from the current chunk's last block (or the parent of the pending subtree and
        // its left sibling), then wrap it in parents.
        Span<uint> inputCv = stackalloc uint[8];
        Span<uint> blockWords = stackalloc uint[16];
        Span<uint> words = stackalloc uint[16];
        ulong counter;
        uint blockLen;
        uint flags;
        int stackLen = _cvStackLen;
        if (_hasPending)
        {
            // Pushing the pending subtree's left sibling left the stack non-empty.
            stackLen--;
            _cvStack.AsSpan(stackLen * 8, 8).CopyTo(blockWords);
            _pendingCv.CopyTo(blockWords[8..]);
            _key.CopyTo(inputCv);
            counter = 0;
            blockLen = BlockLen;
            flags = _flags | Blake3Compress.Parent;
        }
        else
        {
            _chunkCv.CopyTo(inputCv);
            Blake3Compress.WordsFromBlock(_block, blockWords);
            counter = _chunkCounter;
            blockLen = (uint)_blockLen;
            flags = _flags | ChunkStartFlag | Blake3Compress.ChunkEnd;
        }

        for (int i = stackLen - 1; i >= 0; i--)
        {
            Blake3Compress.Compress(inputCv, blockWords, counter, blockLen, flags, words);
            _cvStack.AsSpan(i * 8, 8).CopyTo(blockWords);
            words[..8].CopyTo(blockWords[8..]);
            _key.CopyTo(inputCv);
            counter = 0;
            blockLen = BlockLen;
            flags = _flags | Blake3Compress.Parent;
        }

        ulong outputBlock = 0;
        Span<byte> bytes = stackalloc byte[BlockLen];
        while (!output.IsEmpty)
        {
            Blake3Compress.Compress(inputCv, blockWords, outputBlock++, blockLen, flags | Blake3Compress.Root, words);
            for (int i = 0; i < 16; i++)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[(4 * i)..], words[i]);
            int take = Math.Min(BlockLen, output.Length);
            bytes[..take].CopyTo(output);
            output = output[take..];
        }
    }
}
