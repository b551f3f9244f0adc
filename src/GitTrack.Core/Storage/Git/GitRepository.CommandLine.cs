using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// The port's calls that need no open repository (no libgit2): configuration, names resolved to ids, the work tree
/// staged into a tree, tree diffs, as the <c>git</c> command line does them. The git environment is built here once
/// (<see cref="EnvironmentFor"/>).
/// </summary>
public sealed partial class GitRepository
{
    /// <summary>The environment every git process for this repository gets: its GIT_DIR and work tree.</summary>
    internal static Dictionary<string, string> EnvironmentFor(GitDirectories directories) => new(StringComparer.Ordinal)
    {
        ["GIT_DIR"] = directories.GitDir,
        ["GIT_WORK_TREE"] = directories.WorkTree,
    };

    private static GitResult Run(GitDirectories directories, params string[] args) =>
        GitCli.Run(directories.WorkTree, EnvironmentFor(directories), args);

    /// <summary>The value of a git config key (every file and rule git applies), or null when it is not set.</summary>
    public static string? ConfigValue(GitDirectories directories, string key) => GitSettings.Get(directories, key);

    /// <summary>
    /// Every (key, value) git config holds for keys matching <paramref name="keyPattern"/> (a regular expression, as
    /// <c>git config --get-regexp</c> takes it), in git's order; keys as git prints them (section and name lowercased).
    /// Keys set without a value (<c>[section] key</c>) are left out. Empty when none is set.
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> ConfigValues(GitDirectories directories, string keyPattern)
    {
        var result = Run(directories, "config", "-z", "--get-regexp", keyPattern);
        if (result.ExitCode != 0)
            return []; // 1: none set
        var values = new List<(string, string)>();
        foreach (var item in result.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var newline = item.IndexOf('\n', StringComparison.Ordinal);
            if (newline > 0)
                values.Add((item[..newline], item[(newline + 1)..]));
        }
        return values;
    }

    /// <summary>The object id a revision names (<c>git rev-parse --verify</c>), or null when it names nothing here.</summary>
    public static string? ResolveRevision(GitDirectories directories, string revision)
    {
        var result = Run(directories, "rev-parse", "--verify", "-q", revision);
        return result.ExitCode == 0 ? result.Stdout.Trim() : null;
    }

    /// <summary>HEAD's commit and tree, or null when the repository has no commit yet. One git process for both.</summary>
    public static (string Commit, string Tree)? Head(GitDirectories directories)
    {
        var head = Run(directories, "rev-parse", "HEAD^{commit}", "HEAD^{tree}");
        var ids = head.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return head.ExitCode != 0 || ids.Length != 2 ? null : (ids[0].Trim(), ids[1].Trim());
    }

    /// <summary>Untracked files that .gitignore does not exclude, paths from the work tree root.</summary>
    public static IReadOnlyList<string> UntrackedFiles(GitDirectories directories) =>
        Check(directories, "ls-files", "-z", "--others", "--exclude-standard", "--full-name").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Stages the work tree into <paramref name="indexFile"/> (a copy of the user's index, never the index itself) as
    /// <c>git add -A</c> does for the NUL-separated pathspecs in <paramref name="pathspecFile"/>, and writes it as a tree;
    /// returns the tree's id.
    /// </summary>
    public static string StageWorkTree(GitDirectories directories, string indexFile, string pathspecFile)
    {
        var environment = EnvironmentFor(directories);
        environment["GIT_INDEX_FILE"] = indexFile;
        GitCli.Check(directories.WorkTree, environment, "add", "-A", "--ignore-errors", $"--pathspec-from-file={pathspecFile}", "--pathspec-file-nul");
        return GitCli.Check(directories.WorkTree, environment, "write-tree").Trim();
    }

    /// <summary>Writes git's empty tree into the object database (as <c>git mktree</c> of nothing) and returns its id.</summary>
    public static string WriteEmptyTree(GitDirectories directories) => Check(directories, "mktree").Trim();

    /// <summary>
    /// <c>git diff</c> of two trees with <paramref name="options"/> (<c>--stat</c>, <c>--name-status -z</c>, none for the
    /// patch): the stored bytes (no external diff, no textconv), colored or not; <paramref name="rawPaths"/> prints
    /// non-ASCII paths as they are (<c>core.quotepath=off</c>). A tree that is not here is corrupt data.
    /// </summary>
    public static string DiffTrees(GitDirectories directories, string treeA, string treeB, bool color, bool rawPaths, params string[] options)
    {
        string[] config = rawPaths ? ["-c", "core.quotepath=off"] : [];
        string[] all = [.. config, "diff", color ? "--color=always" : "--no-color", "--no-ext-diff", "--no-textconv", .. options, treeA, treeB];
        var result = Run(directories, all);
        if (result.ExitCode != 0)
            throw new CorruptDataException($"cannot compare code trees {treeA} and {treeB}: {result.Stderr.Trim()}",
                "the code snapshot is missing from this repository; fetch the runs branch again");
        return result.Stdout;
    }

    private static string Check(GitDirectories directories, params string[] args) =>
        GitCli.Check(directories.WorkTree, EnvironmentFor(directories), args);
}
