using System.Globalization;
using System.Text;
using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Internal;

/// <summary>
/// Remembers which key a file had when it was last added (path and <see cref="FileStamp"/> to key), and the stamp its
/// object had once the add had checked it, so adding an unchanged file again need not read it while its object is
/// untouched too. Only a cache: a missing or unreadable index is treated as empty and rewritten, and losing an entry
/// only costs one more read. The format is in docs/format.md.
/// </summary>
internal sealed class StatIndex
{
    internal const string Header = "gittrack-stat-index 2";

    private readonly string _path;
    private readonly Dictionary<string, (FileStamp Stamp, Blake3Hash Key, FileStamp Object)> _entries;
    private readonly Dictionary<string, (FileStamp Stamp, Blake3Hash Key, FileStamp Object)> _changed = new(StringComparer.Ordinal);

    private StatIndex(string path, Dictionary<string, (FileStamp, Blake3Hash, FileStamp)> entries)
    {
        _path = path;
        _entries = entries;
    }

    public int Count => _entries.Count;

    public static StatIndex Load(string path) => new(path, Read(path));

    /// <summary>The key and checked object stamp remembered for <paramref name="fullPath"/> when its stamp is still <paramref name="stamp"/>.</summary>
    public (Blake3Hash Key, FileStamp Object)? Lookup(string fullPath, FileStamp stamp) =>
        _entries.TryGetValue(fullPath, out var entry) && entry.Stamp == stamp ? (entry.Key, entry.Object) : null;

    public void Record(string fullPath, FileStamp stamp, Blake3Hash key, FileStamp objectStamp)
    {
        // A name the line format cannot hold is simply not remembered.
        if (fullPath.Contains('\n') || fullPath.Contains('\r'))
            return;
        _entries[fullPath] = (stamp, key, objectStamp);
        _changed[fullPath] = (stamp, key, objectStamp);
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
        foreach (var (path, (stamp, key, objectStamp)) in merged.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(key.ToString()).Append(' ');
            Fields(text, stamp);
            Fields(text, objectStamp);
            text.Append(path).Append('\n');
        }
        AtomicFile.WriteAllBytes(_path, Encoding.UTF8.GetBytes(text.ToString()));
        _changed.Clear();
    }

    private static void Fields(StringBuilder text, FileStamp stamp) =>
        text.Append(stamp.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(stamp.MtimeNs.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(stamp.CtimeNs.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(stamp.Device.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(stamp.HasInode ? stamp.Inode.ToString(CultureInfo.InvariantCulture) : "-").Append(' ');

    private static Dictionary<string, (FileStamp, Blake3Hash, FileStamp)> Read(string path)
    {
        var entries = new Dictionary<string, (FileStamp, Blake3Hash, FileStamp)>(StringComparer.Ordinal);
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
            if (!TryParseLine(lines[i], out var filePath, out var stamp, out var key, out var objectStamp))
                return new(StringComparer.Ordinal); // One bad line means the file cannot be trusted.
            entries[filePath] = (stamp, key, objectStamp);
        }
        return entries;
    }

    private static bool TryParseLine(string line, out string path, out FileStamp stamp, out Blake3Hash key, out FileStamp objectStamp)
    {
        path = "";
        stamp = objectStamp = default;
        var fields = line.Split(' ', 12);
        if (fields.Length != 12 || !Blake3Hash.TryParse(fields[0], out key) || fields[11].Length == 0)
        {
            key = default;
            return false;
        }
        if (!TryParseStamp(fields, 1, out stamp) || !TryParseStamp(fields, 6, out objectStamp))
            return false;
        path = fields[11];
        return true;
    }

    /// <summary>Five fields from <paramref name="start"/>: size, mtime ns, ctime ns, device, inode (or '-').</summary>
    private static bool TryParseStamp(string[] fields, int start, out FileStamp stamp)
    {
        stamp = default;
        var inv = CultureInfo.InvariantCulture;
        if (!long.TryParse(fields[start], NumberStyles.None, inv, out long size)
            || !long.TryParse(fields[start + 1], NumberStyles.AllowLeadingSign, inv, out long mtime)
            || !long.TryParse(fields[start + 2], NumberStyles.AllowLeadingSign, inv, out long ctime)
            || !ulong.TryParse(fields[start + 3], NumberStyles.None, inv, out ulong device))
            return false;
        bool hasInode = fields[start + 4] != "-";
        ulong inode = 0;
        if (hasInode && !ulong.TryParse(fields[start + 4], NumberStyles.None, inv, out inode))
            return false;
        stamp = new FileStamp(size, mtime, ctime, device, inode, hasInode);
        return true;
    }
}
