namespace GitTrack.Core.Storage.Git;

/// <summary>What a tree entry points at, from its mode.</summary>
public enum GitEntryKind
{
    /// <summary>A file (mode 100644 or 100755).</summary>
    Blob,
    /// <summary>A folder (mode 040000).</summary>
    Tree,
    /// <summary>A symbolic link (mode 120000): a blob holding the target.</summary>
    Link,
    /// <summary>A submodule commit (mode 160000).</summary>
    GitLink,
}

/// <summary>One entry of a git tree as the storage port hands it out: no libgit2 object behind it.</summary>
public sealed record GitTreeEntry(string Name, GitEntryKind Kind, string Id, bool Executable = false);

/// <summary>A commit as the storage port hands it out.</summary>
public sealed record GitCommit(string Id, string Tree, IReadOnlyList<string> Parents, string Message, DateTimeOffset When);

/// <summary>
/// One change to a tree, applied by <see cref="GitRepository.WriteTree"/>: put a blob or a tree at a path, or remove
/// what is there (<see cref="Id"/> null).
/// </summary>
public sealed record TreeEdit(string Path, string? Id, GitEntryKind Kind = GitEntryKind.Blob, bool Executable = false)
{
    /// <summary>Puts <paramref name="entry"/> (from another tree) at <paramref name="path"/>, mode and all.</summary>
    public static TreeEdit Of(string path, GitTreeEntry entry) => new(path, entry.Id, entry.Kind, entry.Executable);
    public static TreeEdit Blob(string path, string id) => new(path, id, GitEntryKind.Blob);
    public static TreeEdit Tree(string path, string id) => new(path, id, GitEntryKind.Tree);
    public static TreeEdit Remove(string path) => new(path, null);
}
