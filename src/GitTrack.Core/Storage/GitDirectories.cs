using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage;

/// <summary>
/// Where a repository lives on disk: its work tree, its git dir (per worktree) and its common dir (shared by
/// all worktrees, where the artifact cache is kept). Found by walking up from a folder as git does, without
/// loading libgit2, so cheap commands start fast.
/// </summary>
public sealed record GitDirectories(string WorkTree, string GitDir, string CommonDir)
{
    /// <summary>The folder GitTrack keeps its own data in: <c>&lt;common dir&gt;/gittrack</c>.</summary>
    public string GitTrackDir => Path.Combine(CommonDir, "gittrack");

    /// <summary>Finds the repository containing <paramref name="startFolder"/>, or throws <see cref="InvalidInputException"/>.</summary>
    public static GitDirectories Discover(string startFolder)
    {
        return TryDiscover(startFolder) ?? throw new InvalidInputException(
            $"not a git repository (or any parent up to /): {Path.GetFullPath(startFolder)}",
            "run gittrack inside a git repository, or create one with 'git init'");
    }

    public static GitDirectories? TryDiscover(string startFolder)
    {
        var envGitDir = Environment.GetEnvironmentVariable("GIT_DIR");
        if (!string.IsNullOrEmpty(envGitDir))
        {
            var gitDir = Path.GetFullPath(envGitDir, startFolder);
            var workTree = Environment.GetEnvironmentVariable("GIT_WORK_TREE");
            return new GitDirectories(
                string.IsNullOrEmpty(workTree) ? Path.GetFullPath(startFolder) : Path.GetFullPath(workTree, startFolder),
                gitDir, CommonDirOf(gitDir));
        }

        for (var dir = new DirectoryInfo(Path.GetFullPath(startFolder)); dir is not null; dir = dir.Parent)
        {
            var dotGit = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(dotGit) && LooksLikeGitDir(dotGit))
                return new GitDirectories(dir.FullName, dotGit, CommonDirOf(dotGit));
            if (File.Exists(dotGit))
            {
                // A linked worktree or submodule: ".git" is a file saying "gitdir: <path>".
                var line = File.ReadLines(dotGit).FirstOrDefault() ?? "";
                const string prefix = "gitdir:";
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var gitDir = Path.GetFullPath(line[prefix.Length..].Trim(), dir.FullName);
                    if (LooksLikeGitDir(gitDir))
                        return new GitDirectories(dir.FullName, gitDir, CommonDirOf(gitDir));
                }
            }
        }
        return null;
    }

    private static bool LooksLikeGitDir(string path) =>
        File.Exists(Path.Combine(path, "HEAD")) && (Directory.Exists(Path.Combine(path, "objects")) || File.Exists(Path.Combine(path, "commondir")));

    private static string CommonDirOf(string gitDir)
    {
        var commonDirFile = Path.Combine(gitDir, "commondir");
        if (!File.Exists(commonDirFile))
            return gitDir;
        var relative = File.ReadAllText(commonDirFile).Trim();
        return Path.GetFullPath(relative, gitDir);
    }
}
