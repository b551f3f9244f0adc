using System.Buffers;
using System.Globalization;
using System.Text;
using GitTrack.Core.Mlflow;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Import.Mlflow.Internal;

/// <summary>
/// Streams one MLflow metric file (<c>metrics/&lt;key&gt;</c>): one point per line, <c>timestamp value step</c>
/// (MLflow also wrote <c>timestamp value</c> before steps existed, and 3.x appends <c>dataset_name dataset_digest</c>).
/// Memory stays bounded by one buffer whatever the file's size: lines longer than <see cref="MaxLineBytes"/> are
/// skipped as malformed, and reading stops after <c>maxPoints</c> points.
/// </summary>
internal static class MetricFileReader
{
    public const int MaxLineBytes = 4096;

    /// <summary>
    /// The file's points in file order. <paramref name="problem"/> is called with (line number, reason) for each bad
    /// line; <paramref name="truncated"/> is set when more than <paramref name="maxPoints"/> points were in the file.
    /// </summary>
    public static List<MetricPoint> Read(string path, string key, long maxPoints, Action<long, string> problem, out bool truncated)
    {
        bool cut = false;
        var points = new List<MetricPoint>();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var line = new byte[MaxLineBytes];
        int lineLength = 0;
        bool tooLong = false;
        long lineNumber = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)'\n')
                    {
                        lineNumber++;
                        if (!EndLine())
                        {
                            truncated = true;
                            return points;
                        }
                        continue;
                    }
                    if (lineLength < MaxLineBytes)
                        line[lineLength++] = b;
                    else
                        tooLong = true;
                }
            }
            if (lineLength > 0 || tooLong)
            {
                lineNumber++;
                EndLine();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        truncated = cut;
        return points;

        bool EndLine()
        {
            var text = line.AsSpan(0, lineLength);
            lineLength = 0;
            if (tooLong)
            {
                tooLong = false;
                problem(lineNumber, $"longer than {MaxLineBytes} bytes");
                return true;
            }
            if (text.Trim(" \t\r"u8).IsEmpty)
                return true;
            if (points.Count >= maxPoints)
            {
                cut = true;
                return false;
            }
            if (Parse(text, key) is { } point)
                points.Add(point);
            else
                problem(lineNumber, $"not 'timestamp value step': \"{Printable(text)}\"");
            return true;
        }
    }

    /// <summary>One line (without its newline) as a point, or null when it does not parse.</summary>
    internal static MetricPoint? Parse(ReadOnlySpan<byte> bytes, string key)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes.Trim(" \t\r"u8));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var parts = text.Split(' ');
        if (parts.Length is not (2 or 3 or 5))
            return null;
        if (!long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            || ms < -62_135_596_800_000 || ms > 253_402_300_799_999)
            return null;
        if (MlflowValues.ParseFloat(parts[1]) is not { } value)
            return null;
        long step = 0;
        if (parts.Length >= 3 && !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out step))
            return null;
        return new MetricPoint(key, value, step, DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Length > 60 ? bytes[..60] : bytes);
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return bytes.Length > 60 ? clean + "..." : clean;
    }
}
