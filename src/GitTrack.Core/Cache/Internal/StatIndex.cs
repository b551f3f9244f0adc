using System.Globalization;
using System.Text;
using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Remembers which key a file had when it was last added (path and <see cref="FileStamp"/> to key), so adding an
/// unchanged file again need not read it. Only a cache: a missing or unreadable index is treated as empty and
/// rewritten, and losing an entry only costs one more read. The format is in docs/format.md.
/// </summary>
internal sealed class StatIndex
{
    internal const string Header = "gittrack-stat-index 1";

    private readonly string _path;
    private readonly Dictionary<string, (FileStamp Stamp, Blake3Hash Key)> _entries;
    private readonly Dictionary<string, (FileStamp Stamp, Blake3Hash Key)> _changed = new(StringComparer.Ordinal);

    private StatIndex(string path, Dictionary<string, (FileStamp, Blake3Hash)> entries)
    {
        _path = path;
        _entries = entries;
    }

    public int Count => _entries.Count;

    public static StatIndex Load(string path) => new(path, Read(path));

    public Blake3Hash? Lookup(string fullPath, FileStamp stamp) =>
        _entries.TryGetValue(fullPath, out var entry) && entry.Stamp == stamp ? entry.Key : null;

    public void Record(string fullPath, FileStamp stamp, Blake3Hash key)
    {
        // A name the line format cannot hold is simply not remembered.
        if (fullPath.Contains('\n') || fullPath.Contains('\r'))
            return;
        _entries[fullPath] = (stamp, key);
        _changed[fullPath] = (stamp, key);
    }

    /// <summary>
    /// Writes the index atomically. Entries written meanwhile by another process are read back first and kept,
    /// ours win on the same path; two savers racing can still drop each other's newest entries, which is harmless.
    /// </summary>
    public void Save()
    {
        if (_changed.Count == 0)
            return;
        var merged = Read(_path);
        foreach (var (path, entry) in _changed)
            merged[path] = entry;

        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (var (path, (stamp, key)) in merged.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(key.ToString()).Append(' ')
                .Append(stamp.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(stamp.MtimeNs.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(stamp.CtimeNs.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(stamp.Device.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(stamp.HasInode ? stamp.Inode.ToString(CultureInfo.InvariantCulture) : "-").Append(' ')
                .Append(path).Append('\n');
        }
        AtomicFile.WriteAllBytes(_path, Encoding.UTF8.GetBytes(text.ToString()));
        _changed.Clear();
    }

    private static Dictionary<string, (FileStamp, Blake3Hash)> Read(string path)
    {
        var entries = new Dictionary<string, (FileStamp, Blake3Hash)>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return entries;
        }
        if (lines.Length == 0 || lines[0] != Header)
            return entries; // Unknown or damaged: start over, the next save rewrites it.
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            if (!TryParseLine(lines[i], out var filePath, out var stamp, out var key))
                return new(StringComparer.Ordinal); // One bad line means the file cannot be trusted.
            entries[filePath] = (stamp, key);
        }
        return entries;
    }

    private static bool TryParseLine(string line, out string path, out FileStamp stamp, out Blake3Hash key)
    {
        path = "";
        stamp = default;
        var fields = line.Split(' ', 7);
        var inv = CultureInfo.InvariantCulture;
        if (fields.Length != 7 || !Blake3Hash.TryParse(fields[0], out key)
            || !long.TryParse(fields[1], NumberStyles.None, inv, out long size)
            || !long.TryParse(fields[2], NumberStyles.AllowLeadingSign, inv, out long mtime)
            || !long.TryParse(fields[3], NumberStyles.AllowLeadingSign, inv, out long ctime)
            || !ulong.TryParse(fields[4], NumberStyles.None, inv, out ulong device)
            || fields[6].Length == 0)
        {
            key = default;
            return false;
        }
        bool hasInode = fields[5] != "-";
        ulong inode = 0;
        if (hasInode && !ulong.TryParse(fields[5], NumberStyles.None, inv, out inode))
            return false;
        path = fields[6];
        stamp = new FileStamp(size, mtime, ctime, device, inode, hasInode);
        return true;
    }
}
