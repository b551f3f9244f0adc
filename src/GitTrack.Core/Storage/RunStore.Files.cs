using GitTrack.Core.Errors;
using LibGit2Sharp;

namespace GitTrack.Core.Storage;

// Plain files on the runs branch outside runs/: the model registry's immutable entries (docs/format.md "Models").
// These two methods are the registry's only way to the branch, so the storage underneath can change without it.
public sealed partial class RunStore
{
    /// <summary>The largest file <see cref="ReadFiles"/> returns the content of.</summary>
    internal const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// Adds <paramref name="files"/> (paths relative to the branch root, outside <c>runs/</c>) to the branch as one
    /// commit on the tip, under the same lock as runs. Entries are immutable: a path that exists already is refused
    /// (<see cref="ConflictException"/>), and nothing is written. Returns the new commit's id.
    /// </summary>
    internal string CommitFiles(IReadOnlyList<(string Path, byte[] Content)> files, string message)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            throw new ArgumentException("nothing to commit", nameof(files));
        foreach (var (path, _) in files)
            if (!IsEntryPath(path))
                throw new ArgumentException($"'{path}' is not a path outside runs/ made of safe segments", nameof(files));
        using var runsLock = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        var tip = ReadTip();
        var definition = tip is null ? new TreeDefinition() : TreeDefinition.From(tip);
        foreach (var (path, content) in files)
        {
            if (tip?[path] is not null)
                throw new ConflictException($"{path} already exists on {Branch.Name}", "entries are never rewritten: add a new one");
            definition.Add(path, _repository.ObjectDatabase.CreateBlob(new MemoryStream(content, writable: false)), Mode.NonExecutableFile);
        }
        CommitTree(tip, definition, "", message.EndsWith('\n') ? message : message + "\n");
        return ReadTip()!.Sha;
    }

    /// <summary>
    /// Every file under <paramref name="folder"/> at the branch tip, recursively, with its path from the branch root,
    /// in path order. Content is null for an entry that is not a plain file of at most <see cref="MaxFileBytes"/>
    /// bytes (a link, a submodule, a huge blob): the caller reports it. Empty when the folder or the branch is missing.
    /// </summary>
    internal IReadOnlyList<(string Path, byte[]? Content)> ReadFiles(string folder)
    {
        var result = new List<(string, byte[]?)>();
        if (ReadTip()?[folder.TrimEnd('/')] is not { } entry)
            return result;
        if (entry.TargetType != TreeEntryTargetType.Tree)
        {
            result.Add((entry.Path.Replace('\\', '/'), null));
            return result;
        }
        Walk((Tree)entry.Target, folder.TrimEnd('/'));
        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;

        void Walk(Tree tree, string prefix)
        {
            foreach (var child in tree)
            {
                var path = $"{prefix}/{child.Name}";
                if (child.TargetType == TreeEntryTargetType.Tree)
                    Walk((Tree)child.Target, path);
                else if (child.TargetType == TreeEntryTargetType.Blob && child.Mode is Mode.NonExecutableFile or Mode.ExecutableFile
                         && ((Blob)child.Target).Size <= MaxFileBytes)
                    result.Add((path, ReadAll((Blob)child.Target)));
                else
                    result.Add((path, null));
            }
        }
    }

    private static byte[] ReadAll(Blob blob)
    {
        using var stream = blob.GetContentStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool IsEntryPath(string path) =>
        path.Length is > 0 and <= 1024 && !path.StartsWith("runs/", StringComparison.Ordinal) && path != "runs"
        && path.Split('/').All(segment => segment.Length > 0 && segment is not ("." or "..") && !segment.StartsWith('.')
            && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
}
