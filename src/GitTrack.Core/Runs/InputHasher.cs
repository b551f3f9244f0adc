using System.Text;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Runs;

/// <summary>
/// Turns a file or folder a run reads into an <see cref="InputEntry"/>: the file's BLAKE3 key through the cache's stat
/// index (an unchanged 10 GB dataset costs a <c>stat</c>), or a folder's listing key (docs/format.md, "Inputs"), and
/// with <c>store</c> its content in the artifact cache too.
/// </summary>
public static class InputHasher
{
    /// <summary>
    /// Hashes <paramref name="fullPath"/>, recorded as <paramref name="workTree"/>-relative when inside it, absolute
    /// otherwise. Throws <see cref="InvalidInputException"/> when there is nothing to read there.
    /// </summary>
    public static InputEntry Hash(ArtifactCache cache, string workTree, string fullPath, bool store)
    {
        ArgumentNullException.ThrowIfNull(cache);
        fullPath = Path.GetFullPath(fullPath);
        var recorded = RecordedPath(workTree, fullPath);
        var kind = RegularFile.KindOf(fullPath, followLinks: true);
        if (kind == FileKind.Regular)
        {
            var key = store ? cache.AddFile(fullPath) : cache.HashFile(fullPath);
            return new InputEntry(recorded, key, new FileInfo(fullPath).Length, Stored: store);
        }
        if (kind != FileKind.Directory)
            throw new InvalidInputException(kind == FileKind.Missing ? $"input not found: {fullPath}" : $"input {fullPath} is {RegularFile.Describe(kind)}, not a file or folder",
                "give an existing file or folder");
        var listing = new StringBuilder();
        long size = 0, files = 0;
        foreach (var (file, relative) in FolderFiles(fullPath))
        {
            var key = store ? cache.AddFile(file) : cache.HashFile(file, saveIndex: false);
            var length = new FileInfo(file).Length;
            listing.Append(key.ToString()).Append(' ').Append(length.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(relative).Append('\n');
            size += length;
            files++;
        }
        cache.SaveStatIndex();
        var bytes = Encoding.UTF8.GetBytes(listing.ToString());
        var folderKey = store ? cache.AddStream(new MemoryStream(bytes)) : Blake3Hasher.Hash(bytes);
        return new InputEntry(recorded, folderKey, size, IsFolder: true, Files: files, Stored: store);
    }

    /// <summary>
    /// The regular files under <paramref name="folder"/> (links and special files skipped, names with a line break
    /// too: the listing cannot hold them), in code point order of their path from the folder, with '/' separators.
    /// </summary>
    public static IEnumerable<(string File, string Relative)> FolderFiles(string folder)
    {
        var files = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false }))
        {
            if (RegularFile.KindOf(file) != FileKind.Regular)
                continue;
            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Contains('\n') || relative.Contains('\r'))
                continue;
            files.Add((file, relative));
        }
        files.Sort((a, b) => CodePointOrder.Instance.Compare(a.Item2, b.Item2));
        return files;
    }

    /// <summary>The path as a manifest records it: from the work tree root with '/', or absolute outside it.</summary>
    public static string RecordedPath(string workTree, string fullPath)
    {
        var relative = Path.GetRelativePath(workTree, fullPath);
        if (relative == ".")
            throw new InvalidInputException($"input {fullPath} is the whole work tree, which the run's code snapshot already records", "give the data file or folder");
        if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
            return fullPath.Replace(Path.DirectorySeparatorChar, '/');
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
