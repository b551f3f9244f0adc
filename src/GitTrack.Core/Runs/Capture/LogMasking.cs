using System.Text;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Masks a run's captured output before it is stored: every exact occurrence of a secret value the record masked
/// (<see cref="SecretMasking.Found"/>: a token in the environment, a password on the command line or in a param), as
/// UTF-8 bytes, becomes <c>***</c>. Values shorter than <see cref="SecretMasking.MinLogSecretLength"/> are left, as
/// masking "1" would ruin the log. The terminal saw the output as it came; only the stored log is masked. Output the
/// rules cannot know of (a secret the command reads from a file and prints) is not found: the log holds what the
/// command printed.
/// </summary>
public static class LogMasking
{
    private static readonly byte[] MaskBytes = Encoding.UTF8.GetBytes(SecretMasking.Mask);
    private const int BlockSize = 1 << 20;

    /// <summary>Rewrites the file at <paramref name="path"/> with <paramref name="secrets"/> masked (atomically: a temporary file renamed over it); returns how many were masked.</summary>
    public static long Apply(string path, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var patterns = secrets.Where(s => s.Length >= SecretMasking.MinLogSecretLength)
            .Select(Encoding.UTF8.GetBytes)
            .Distinct(new BytesComparer())
            // Longest first: a secret that holds another is masked whole.
            .OrderByDescending(p => p.Length)
            .ToArray();
        if (patterns.Length == 0)
            return 0;
        var temp = path + ".masked";
        long count;
        // Only a regular file is read, without blocking: the command may have put a named pipe or a link in its place.
        using (var input = RegularFile.OpenForReading(path, out _, out _))
        {
            if (input is null)
                return 0;
            using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            count = Copy(input, output, patterns);
        }
        if (count == 0)
        {
            File.Delete(temp);
            return 0;
        }
        File.Move(temp, path, overwrite: true);
        return count;
    }

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> with every pattern replaced; a match may span blocks.</summary>
    internal static long Copy(Stream input, Stream output, IReadOnlyList<byte[]> patterns)
    {
        var longest = patterns.Max(p => p.Length);
        var buffer = new byte[BlockSize + longest];
        var kept = 0; // bytes carried over from the previous block (a possible match's start)
        long count = 0;
        while (true)
        {
            var read = input.Read(buffer, kept, BlockSize);
            var length = kept + read;
            var end = read == 0 ? length : Math.Max(0, length - (longest - 1)); // matches may start before 'end'
            var position = 0;
            while (position < end)
            {
                var (at, pattern) = FirstMatch(buffer.AsSpan(position, length - position), patterns);
                if (at < 0 || position + at >= end)
                    break;
                output.Write(buffer, position, at);
                output.Write(MaskBytes);
                count++;
                position += at + pattern!.Length;
            }
            if (read == 0)
            {
                output.Write(buffer, position, length - position);
                return count;
            }
            var flushTo = Math.Max(position, end);
            output.Write(buffer, position, flushTo - position);
            kept = length - flushTo;
            Buffer.BlockCopy(buffer, flushTo, buffer, 0, kept);
        }
    }

    private static (int At, byte[]? Pattern) FirstMatch(ReadOnlySpan<byte> span, IReadOnlyList<byte[]> patterns)
    {
        var best = -1;
        byte[]? found = null;
        foreach (var pattern in patterns)
        {
            var limit = best < 0 ? span : span[..Math.Min(span.Length, best + pattern.Length)];
            var at = limit.IndexOf(pattern);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                found = pattern;
            }
        }
        return (best, found);
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
