using GitTrack.Core.Errors;

namespace GitTrack.Core.Checkout.Internal;

/// <summary>
/// The files of a checkout target as they will be once the code is restored (the snapshot's entries, plus what
/// stays on disk), used to find where an artifact path really leads before anything is written. A manifest can come
/// from someone else's push, and so can the snapshot's symbolic links: a path is followed component by component,
/// each symbolic link replaced by its target, and refused if that ever climbs out of the root.
/// </summary>
internal sealed class TargetTree
{
    private const int MaxLinks = 40; // as Linux's MAXSYMLINKS
    private readonly string _root;
    private readonly IReadOnlyDictionary<string, SnapshotEntry>? _snapshot;
    private readonly HashSet<string> _snapshotFolders = new(StringComparer.Ordinal);
    private readonly Func<string, bool> _survivesOnDisk;
    private readonly Func<SnapshotEntry, string> _readLink;

    /// <param name="root">The target's full path.</param>
    /// <param name="snapshot">The snapshot's entries by path when the code is restored, else null (the disk as it is).</param>
    /// <param name="survivesOnDisk">Whether a path that is not in the snapshot keeps what is on disk now (false for files git will remove, and for a new worktree).</param>
    /// <param name="readLink">The target text of a symbolic link in the snapshot.</param>
    public TargetTree(string root, IReadOnlyDictionary<string, SnapshotEntry>? snapshot, Func<string, bool> survivesOnDisk, Func<SnapshotEntry, string> readLink)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _snapshot = snapshot;
        _survivesOnDisk = survivesOnDisk;
        _readLink = readLink;
        if (snapshot is not null)
            foreach (var path in snapshot.Keys)
                for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
                    _snapshotFolders.Add(path[..slash]);
    }

    public enum Kind
    {
        Missing,
        Folder,
        File,
        Link,
    }

    /// <summary>What <paramref name="relative"/> (forward slashes, no symbolic link before its last component) will be, and a link's target.</summary>
    public (Kind Kind, string? LinkTarget) StateOf(string relative)
    {
        if (_snapshot is not null)
        {
            if (_snapshot.TryGetValue(relative, out var entry))
                return entry.IsSymlink ? (Kind.Link, (string?)_readLink(entry)) : entry.Type == "commit" ? (Kind.Folder, null) : (Kind.File, null);
            if (_snapshotFolders.Contains(relative))
                return (Kind.Folder, null);
        }
        if (!_survivesOnDisk(relative))
            return (Kind.Missing, null);
        var full = Path.Combine(_root, relative);
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
            return (Kind.Link, target);
        if (info.Exists)
            return (Kind.File, null);
        return Directory.Exists(full) ? (Kind.Folder, null) : (Kind.Missing, null);
    }

    /// <summary>
    /// The path, relative to the root and free of symbolic links in its folders, that writing <paramref name="path"/>
    /// would really write; throws <see cref="CorruptDataException"/> naming the path when a link leads outside the root
    /// and <see cref="ConflictException"/> when a file stands where a folder is needed.
    /// </summary>
    public string Resolve(string path, string runName)
    {
        var pending = new LinkedList<string>(path.Split('/'));
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 1)
        {
            var part = pending.First!.Value;
            pending.RemoveFirst();
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                // Only link targets bring '..' here (manifest paths never hold one); resolved is free of links, so popping is exact.
                if (resolved.Count == 0)
                    throw Escape(path, runName);
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = string.Join('/', resolved.Append(part));
            var (kind, target) = StateOf(candidate);
            switch (kind)
            {
                case Kind.Link:
                    if (++links > MaxLinks || string.IsNullOrEmpty(target))
                        throw Escape(path, runName, candidate, target);
                    string[] parts;
                    if (Path.IsPathRooted(target))
                    {
                        var full = Path.GetFullPath(target);
                        var relative = Path.GetRelativePath(_root, full);
                        if (full != _root && (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)))
                            throw Escape(path, runName, candidate, target);
                        resolved.Clear();
                        parts = relative == "." ? [] : relative.Split(Path.DirectorySeparatorChar);
                    }
                    else
                    {
                        parts = target.Split('/');
                    }
                    for (var i = parts.Length - 1; i >= 0; i--)
                        pending.AddFirst(parts[i]);
                    // Each step of the target is walked like the path itself, so a link to a link, or '..' in a link, is followed exactly.
                    continue;
                case Kind.File:
                    throw new ConflictException($"artifact '{path}' of {runName} needs a folder where the file '{candidate}' stands",
                        "nothing was written; move that file away, or restore elsewhere with --worktree DIR");
                default:
                    resolved.Add(part);
                    break;
            }
        }
        resolved.Add(pending.First!.Value);
        var result = string.Join('/', resolved);
        // A link inside the tree may still lead into .git (a link 'x' -> '.git', then 'x/config'): the path that
        // would really be written obeys the same rule as the path the manifest named.
        if (Runs.WorkTreePath.Problem(result) is { } problem)
            throw new CorruptDataException(
                result == path
                    ? $"artifact path '{path}' of {runName} is refused: {problem}"
                    : $"artifact path '{path}' of {runName} leads to '{result}' through a symbolic link, and {problem}; refused",
                "nothing was written; the run's manifest is unsafe, and may come from someone else's push");
        return result;
    }

    private static CorruptDataException Escape(string path, string runName, string? link = null, string? target = null) =>
        new(link is null
                ? $"artifact path '{path}' of {runName} leads outside the work tree; refused"
                : $"artifact path '{path}' of {runName} goes through the symbolic link '{link}' -> '{target}', which leads outside the work tree; refused",
            "nothing was written; the run's manifest is unsafe, and may come from someone else's push");
}
