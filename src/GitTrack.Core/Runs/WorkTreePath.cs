namespace GitTrack.Core.Runs;

/// <summary>
/// The one rule for a path read from the runs branch (an artifact, the log, a skipped file, the working directory,
/// an entry of a code snapshot) that GitTrack may join to a work tree: it must stay inside the tree and out of its
/// <c>.git</c>. Anything pushed to the branch may come from a stranger, and a file written into <c>.git</c> (a
/// <c>config</c> with <c>core.fsmonitor</c>, a hook, a <c>commondir</c>) runs the stranger's command on the next
/// <c>git status</c>. So a path is refused when it is absolute, climbs (<c>..</c>), holds an empty or <c>.</c>
/// segment, a backslash, a colon or a control character, or when any segment is a name git itself refuses to check
/// out for the same reason (<c>verify_path</c> in git's read-cache.c): <c>.git</c> in any letter case, also followed
/// by dots or spaces (which Windows drops), its NTFS short name <c>git~1</c>, and on HFS+ any of these with
/// ignorable Unicode code points inside (<c>.g&#x200C;it</c>), which the file system folds away.
/// </summary>
public static class WorkTreePath
{
    // The code points HFS+ ignores when it compares names (git's utf8.c, next_hfs_char).
    private static readonly char[] HfsIgnorable =
    [
        '\u200C', '\u200D', '\u200E', '\u200F',
        '\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
        '\u206A', '\u206B', '\u206C', '\u206D', '\u206E', '\u206F',
        '\uFEFF',
    ];

    /// <summary>Why <paramref name="path"/> may not be joined to a work tree, or null when it may.</summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
            return "it is empty";
        if (path.StartsWith('/'))
            return "it is absolute";
        if (path.Contains('\\') || path.Contains(':'))
            return "it holds a backslash or a colon";
        if (path.Any(char.IsControl))
            return "it holds a control character";
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
                return "it has an empty, '.' or '..' segment";
            if (IsGitDirectoryName(segment))
                return $"it goes into the repository's git folder ('{segment}')";
        }
        return null;
    }

    /// <summary>
    /// The first segment of <paramref name="path"/> (slash-separated) that <see cref="IsGitDirectoryName"/> refuses, or
    /// null. For entries of a code snapshot or a commit, whose names are the user's own files (a colon or a backslash
    /// is a fine file name on Linux): only the git folder is out of bounds there, and git checks the rest.
    /// </summary>
    public static string? GitDirectorySegment(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var segment in path.Split('/'))
            if (IsGitDirectoryName(segment))
                return segment;
        return null;
    }

    /// <summary>True when <paramref name="path"/> satisfies <see cref="Problem"/>.</summary>
    public static bool IsSafe(string path) => Problem(path) is null;

    /// <summary>
    /// Whether a file system would take <paramref name="segment"/> for the repository's <c>.git</c>: <c>.git</c> or
    /// <c>git~1</c> in any case, followed by any dots and spaces, with HFS+-ignorable code points anywhere. Stricter
    /// than git on Linux, where git checks the NTFS and HFS+ forms only when core.protectNTFS/protectHFS say so: a
    /// repository cloned onto such a file system later must not find them either.
    /// </summary>
    public static bool IsGitDirectoryName(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var folded = segment.IndexOfAny(HfsIgnorable) < 0 ? segment : string.Concat(segment.Where(c => Array.IndexOf(HfsIgnorable, c) < 0));
        var trimmed = folded.TrimEnd('.', ' ');
        return trimmed.Equals(".git", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("git~1", StringComparison.OrdinalIgnoreCase);
    }
}
