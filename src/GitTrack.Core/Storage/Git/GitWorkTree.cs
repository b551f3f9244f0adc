using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// The storage port's side for a work tree: git run in one folder (the user's work tree, or a worktree gittrack
/// made) to read what is checked out there and to check a run's code out into it, as the <c>git</c> command line does
/// it (index, stat cache, hooks-free plumbing). A command that fails is a <see cref="ConflictException"/> naming the
/// command and git's message, with <paramref name="failureHint"/> as what to do.
/// </summary>
public sealed class GitWorkTree(string root, string failureHint)
{
    /// <summary>The folder git runs in.</summary>
    public string Root { get; } = root;

    /// <summary>Tracked files, paths from the work tree root.</summary>
    public string[] TrackedFiles() => Split(Check("ls-files", "-z", "--full-name"));

    /// <summary>Raw <c>git status --porcelain=v1 -z --untracked-files=no</c> fields (a rename's source follows it).</summary>
    public string[] StatusOfTrackedFiles() => Split(Check("status", "--porcelain=v1", "-z", "--untracked-files=no"));

    /// <summary>True when the repository has <paramref name="commit"/> as a commit.</summary>
    public bool HasCommit(string commit) => GitCli.Run(Root, null, "cat-file", "-e", commit + "^{commit}").ExitCode == 0;

    /// <summary>Every file path in a commit (or tree), from its root.</summary>
    public string[] PathsIn(string commitOrTree) => Split(Check("ls-tree", "-r", "-z", "--name-only", "--full-tree", commitOrTree));

    /// <summary>
    /// The entries of a tree, recursively, as git lists them (<c>&lt;mode&gt; &lt;type&gt; &lt;oid&gt;\t&lt;path&gt;</c>), or
    /// null when the tree is not in the repository.
    /// </summary>
    public string[]? ListTree(string tree)
    {
        var listing = GitCli.Run(Root, null, "ls-tree", "-r", "-z", "--full-tree", tree);
        return listing.ExitCode == 0 ? Split(listing.Stdout) : null;
    }

    /// <summary>A blob's content as text (a symbolic link's target).</summary>
    public string BlobText(string oid) => Check("cat-file", "blob", oid);

    /// <summary>The blob ids the files would have (<c>git hash-object</c>), in order; null when git could not hash them all.</summary>
    public string[]? HashFiles(IReadOnlyList<string> paths)
    {
        var hashes = GitCli.Run(Root, null, ["hash-object", "--", .. paths]);
        var ids = hashes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return hashes.ExitCode == 0 && ids.Length == paths.Count ? ids : null;
    }

    /// <summary>HEAD's commit, or "" when there is none.</summary>
    public string HeadCommit() => GitCli.Run(Root, null, "rev-parse", "-q", "--verify", "HEAD^{commit}").Stdout.Trim();

    /// <summary>The branch HEAD is on (short name), or "" when HEAD is detached.</summary>
    public string CurrentBranch() => GitCli.Run(Root, null, "symbolic-ref", "-q", "--short", "HEAD").Stdout.Trim();

    /// <summary>Checks <paramref name="commit"/> out with a detached HEAD (<paramref name="force"/>: discarding changes).</summary>
    public void CheckoutDetached(string commit, bool force) =>
        Check(force ? ["checkout", "-q", "-f", "--detach", commit] : ["checkout", "-q", "--detach", commit]);

    /// <summary>Makes the files equal <paramref name="tree"/> while the index stays at HEAD, so <c>git status</c> shows the difference.</summary>
    public void ResetFilesTo(string tree)
    {
        Check("read-tree", "-u", "--reset", tree);
        Check("reset", "-q");
    }

    /// <summary>Adds a git worktree at <paramref name="path"/> on <paramref name="commit"/> (detached).</summary>
    public void AddWorktree(string path, string commit) => Check("worktree", "add", "--quiet", "--detach", path, commit);

    /// <summary>Removes a git worktree (<c>--force</c>: with the files in it); git's complaint, or null when it is gone.</summary>
    public string? RemoveWorktree(string path)
    {
        var result = GitCli.Run(Root, null, "worktree", "remove", "--force", path);
        return result.ExitCode == 0 ? null : result.Stderr.Trim();
    }

    /// <summary>Forgets worktrees whose folders are gone.</summary>
    public void PruneWorktrees() => GitCli.Run(Root, null, "worktree", "prune");

    private static string[] Split(string nulSeparated) => nulSeparated.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private string Check(params string[] args)
    {
        var result = GitCli.Run(Root, null, args);
        if (result.ExitCode != 0)
            throw new ConflictException($"git {string.Join(' ', args.Take(3))} failed: {result.Stderr.Trim().ReplaceLineEndings(" ")}", failureHint);
        return result.Stdout;
    }
}
