using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Diff;

/// <summary>
/// The difference between two runs' code snapshots (git trees, uncommitted changes included), produced by the git
/// command line itself so that the text is exactly git's (<c>git diff --stat</c>, or the unified diff pagers and
/// <c>git apply</c> read). Renames are detected as <c>git diff</c> does by default.
/// </summary>
public static class CodeDiff
{
    /// <summary>One changed file: git's status letter (A, D, M, T, R), its path in B (in A when deleted) and, for a rename, its path in A.</summary>
    public sealed record FileChange(string Status, string Path, string? OldPath);

    /// <summary>
    /// <c>git diff --stat</c> of the two trees ("" when they are the same); <paramref name="rawPaths"/>: non-ASCII paths
    /// as they are, not quoted (for a page, not a terminal).
    /// </summary>
    public static string Stat(GitDirectories directories, string treeA, string treeB, bool color, bool rawPaths = false) =>
        treeA == treeB ? "" : GitRepository.DiffTrees(directories, treeA, treeB, color, rawPaths, "--stat");

    /// <summary>The full unified diff of the two trees, binary files as git shows them ("" when the same).</summary>
    public static string Patch(GitDirectories directories, string treeA, string treeB, bool color, bool rawPaths = false) =>
        treeA == treeB ? "" : GitRepository.DiffTrees(directories, treeA, treeB, color, rawPaths);

    /// <summary>The files that differ, renames paired.</summary>
    public static IReadOnlyList<FileChange> Files(GitDirectories directories, string treeA, string treeB)
    {
        if (treeA == treeB)
            return [];
        var fields = GitRepository.DiffTrees(directories, treeA, treeB, color: false, rawPaths: false, "--name-status", "-z").Split('\0');
        var changes = new List<FileChange>();
        for (var i = 0; i + 1 < fields.Length; i++)
        {
            var status = fields[i];
            if (status.Length == 0)
                continue;
            if (status[0] is 'R' or 'C' && i + 2 < fields.Length)
            {
                changes.Add(new FileChange(status[..1], fields[i + 2], fields[i + 1]));
                i += 2;
            }
            else
            {
                changes.Add(new FileChange(status[..1], fields[i + 1], null));
                i += 1;
            }
        }
        return changes;
    }
}
