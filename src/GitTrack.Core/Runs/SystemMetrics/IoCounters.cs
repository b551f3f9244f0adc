using System.Globalization;

namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// Bytes moved since boot: read and written by the disks (<c>/proc/diskstats</c>), or received and sent by the network
/// interfaces (<c>/proc/net/dev</c>). Throughput is the change between two readings over the time between them.
/// </summary>
internal readonly record struct IoCounters(long In, long Out)
{
    private const int SectorBytes = 512; // diskstats counts 512-byte sectors whatever the device's own sector size

    /// <summary>
    /// The sectors read and written by the devices named in <paramref name="disks"/> (whole physical disks: counting a
    /// partition, a device-mapper volume or a loop device too would count the same bytes twice), as bytes.
    /// </summary>
    public static IoCounters? ParseDiskStats(string diskStats, IReadOnlySet<string> disks)
    {
        long read = 0, written = 0;
        var any = false;
        foreach (var line in diskStats.Split('\n'))
        {
            // major minor name reads merged sectors_read ms writes merged sectors_written ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || !disks.Contains(fields[2]))
                continue;
            if (!long.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var sectorsRead)
                || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var sectorsWritten))
                continue;
            read += sectorsRead * SectorBytes;
            written += sectorsWritten * SectorBytes;
            any = true;
        }
        return any ? new IoCounters(read, written) : null;
    }

    /// <summary>The bytes received and sent by every interface but loopback (<c>lo</c>).</summary>
    public static IoCounters? ParseNetDev(string netDev)
    {
        long received = 0, sent = 0;
        var any = false;
        foreach (var line in netDev.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0)
                continue; // the two header lines
            var name = line[..colon].Trim();
            if (name == "lo")
                continue;
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes ...
            if (fields.Length < 9
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rx)
                || !long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out var tx))
                continue;
            received += rx;
            sent += tx;
            any = true;
        }
        return any ? new IoCounters(received, sent) : null;
    }
}
