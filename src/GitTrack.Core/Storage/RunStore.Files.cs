using GitTrack.Core.Errors;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

// Plain files on the runs branch outside runs/: the model registry's immutable entries (docs/format.md "Models").
// These two methods are the registry's only way to the branch. Entries are immutable and named so that two clones
// never write the same path, so the branch merges them as a union (RunsBranchMerge keeps every path of both sides).
public sealed partial class RunStore
{
    /// <summary>The largest file <see cref="ReadFiles"/> returns the content of.</summary>
    internal const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// Adds <paramref name="files"/> (paths relative to the branch root, outside <c>runs/</c>) to the local branch as
    /// one commit, under the same lock as runs. Entries are immutable: a path that exists already (on the local branch
    /// or a remote-tracking copy) is refused (<see cref="ConflictException"/>), and nothing is written. Returns the
    /// new commit's id.
    /// </summary>
    internal string CommitFiles(IReadOnlyList<(string Path, byte[] Content)> files, string message)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            throw new ArgumentException("nothing to commit", nameof(files));
        foreach (var (path, _) in files)
            if (!IsEntryPath(path))
                throw new ArgumentException($"'{path}' is not a path outside runs/ made of safe segments", nameof(files));
        using var runsLock = Lock();
        foreach (var source in Sources())
        {
            if (TipOf(source) is not { } sourceTip)
                continue;
            var tree = _git.ReadCommit(sourceTip).Tree;
            foreach (var (path, _) in files)
                if (_git.EntryAt(tree, path) is not null)
                    throw new ConflictException($"{path} already exists on {Branch.Name}", "entries are never rewritten: add a new one");
        }
        var tip = TipOf(Local) ?? RootCommit();
        return Commit(tip, [], [.. files.Select(f => TreeEdit.Blob(f.Path, _git.WriteBlob(f.Content)))],
            message.EndsWith('\n') ? message : message + "\n");
    }

    /// <summary>
    /// Every file under <paramref name="folder"/>, recursively, on the local branch and its remote-tracking copies
    /// (each path once, the local copy first), with its path from the branch root, in path order. Content is null
    /// for an entry that is not a plain file of at most <see cref="MaxFileBytes"/> bytes (a link, a submodule, a huge
    /// blob): the caller reports it. Empty when the folder or the branch is missing.
    /// </summary>
    internal IReadOnlyList<(string Path, byte[]? Content)> ReadFiles(string folder)
    {
        folder = folder.TrimEnd('/');
        var files = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var source in Sources())
        {
            if (TipOf(source) is not { } tip || _git.EntryAt(_git.ReadCommit(tip).Tree, folder) is not { } root)
                continue;
            if (root.Kind != GitEntryKind.Tree)
            {
                files.TryAdd(folder, null);
                continue;
            }
            var stack = new Stack<(string Path, string Tree)>([(folder, root.Id)]);
            while (stack.Count > 0)
            {
                var (path, tree) = stack.Pop();
                foreach (var entry in _git.ReadTree(tree))
                {
                    var entryPath = $"{path}/{entry.Name}";
                    if (entry.Kind == GitEntryKind.Tree)
                        stack.Push((entryPath, entry.Id));
                    else if (files.ContainsKey(entryPath))
                        continue;
                    else if (entry.Kind == GitEntryKind.Blob && _git.BlobSize(entry.Id) <= MaxFileBytes)
                        files[entryPath] = _git.ReadBlob(entry.Id, MaxFileBytes, entryPath);
                    else
                        files[entryPath] = null;
                }
            }
        }
        return [.. files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value))];
    }

    private static bool IsEntryPath(string path) =>
        path.Length is > 0 and <= 1024 && !path.StartsWith("runs/", StringComparison.Ordinal) && path != "runs"
        && path != "README.md"
        && path.Split('/').All(segment => segment.Length > 0 && segment is not ("." or "..") && !segment.StartsWith('.')
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
}
