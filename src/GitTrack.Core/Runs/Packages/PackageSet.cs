using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using Tomlyn;
using Tomlyn.Model;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// A run's package environment as stored once per distinct content on the runs branch
/// (<c>environments/&lt;2 hex&gt;/&lt;key&gt;.toml</c>, docs/format.md "Environments"): the packages, sorted by manager
/// then normalised name, written canonically so that equal environments are equal bytes and share one key (the
/// BLAKE3 hash of those bytes). A thousand runs in one environment store it once.
/// </summary>
public sealed class PackageSet
{
    /// <summary>The format version of an environment file.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The largest environment file read (100,000 packages fit well below it).</summary>
    public const int MaxBytes = 8 << 20;

    private PackageSet(IReadOnlyList<Package> packages, byte[] bytes)
    {
        Packages = packages;
        Bytes = bytes;
        Key = Blake3Hasher.Hash(bytes);
    }

    /// <summary>The packages, by manager then normalised name; one per (manager, normalised name).</summary>
    public IReadOnlyList<Package> Packages { get; }

    /// <summary>The file's canonical bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>BLAKE3 of <see cref="Bytes"/>: the file's name on the branch.</summary>
    public Blake3Hash Key { get; }

    public int Count => Packages.Count;

    /// <summary>The path of the environment with <paramref name="key"/> on the runs branch.</summary>
    public static string PathOf(string key) => $"environments/{key[..2]}/{key}.toml";

    /// <summary>The canonical set of <paramref name="packages"/>: sorted, the first of each (manager, normalised name) kept.</summary>
    public static PackageSet Of(IEnumerable<Package> packages)
    {
        var kept = new SortedDictionary<(string, string), Package>(KeyOrder.Instance);
        foreach (var package in packages)
        {
            if (!IsValid(package))
                continue;
            kept.TryAdd((package.Manager, package.NormalizedName), package);
        }
        var list = kept.Values.ToArray();
        return new PackageSet(list, Encoding.UTF8.GetBytes(Write(list)));
    }

    private static string Write(IReadOnlyList<Package> packages)
    {
        var sb = new StringBuilder(64 + packages.Count * 64);
        sb.Append("schema = ").Append(SchemaVersion).Append('\n');
        foreach (var package in packages)
        {
            sb.Append("\n[[packages]]\n");
            sb.Append("manager = ").Append(TomlText.String(package.Manager)).Append('\n');
            sb.Append("name = ").Append(TomlText.String(package.Name)).Append('\n');
            sb.Append("version = ").Append(TomlText.String(package.Version)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads an environment file found on the branch at <paramref name="key"/>'s path; the bytes must hash to the key
    /// and be exactly what this version writes for the packages they list (so nothing unseen rides along), else
    /// <see cref="CorruptDataException"/>.
    /// </summary>
    public static PackageSet Read(byte[] bytes, string key)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (Blake3Hasher.Hash(bytes).ToString() != key)
            throw Corrupt(key, "its content does not hash to its name");
        TomlTable root;
        try
        {
            root = TomlDocument.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (TomlException e)
        {
            throw Corrupt(key, "it is not valid TOML: " + e.Message.Split('\n')[0]);
        }
        if (!root.TryGetValue("schema", out var schema) || schema is not long version || version != SchemaVersion)
            throw Corrupt(key, $"schema is not {SchemaVersion}");
        var packages = new List<Package>();
        if (root.TryGetValue("packages", out var array))
        {
            if (array is not TomlTableArray tables)
                throw Corrupt(key, "packages is not an array of tables");
            foreach (var table in tables)
            {
                if (!table.TryGetValue("manager", out var m) || m is not string manager
                    || !table.TryGetValue("name", out var n) || n is not string name
                    || !table.TryGetValue("version", out var v) || v is not string ver)
                    throw Corrupt(key, "a package lacks a manager, name or version string");
                var package = new Package(manager, name, ver);
                if (!IsValid(package))
                    throw Corrupt(key, $"package '{name}' has an empty field or a control character");
                packages.Add(package);
            }
        }
        var set = Of(packages);
        return set.Key.ToString() == key ? set : throw Corrupt(key, "it is not written canonically (sorted, one entry per package)");
    }

    private static bool IsValid(Package package) =>
        Field(package.Manager, 32) && Field(package.Name, 256) && Field(package.Version, 256);

    private static bool Field(string value, int max) =>
        value.Length > 0 && value.Length <= max && !value.Any(char.IsControl) && value.Trim() == value;

    private static CorruptDataException Corrupt(string key, string why) =>
        new($"environment {key[..Math.Min(12, key.Length)]} on the runs branch: {why}",
            "the runs branch was written by another tool or damaged; check it with 'git fsck'");

    private sealed class KeyOrder : IComparer<(string, string)>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare((string, string) x, (string, string) y)
        {
            var c = string.CompareOrdinal(x.Item1, y.Item1);
            return c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
        }
    }
}
