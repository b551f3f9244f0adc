using System.Globalization;
using GitTrack.Core.Cache;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Checkout;

/// <summary>
/// Prepares <c>gittrack rerun</c>: the run's code checked out into a fresh worktree (artifacts are left out, the rerun
/// makes its own), and the <see cref="RunOptions"/> that run the same command, in the same folder of the code, with the
/// same params, tags-free, naming the original in <see cref="RunOptions.Reproduces"/>. The recorded environment is set
/// again except secrets: a value recorded masked (<c>***</c>) or not recorded at all comes from the current
/// environment, never from the record.
/// </summary>
public static class Rerun
{
    /// <summary>Variables that describe the shell, the previous run or where its repository was, not the experiment.</summary>
    private static readonly HashSet<string> NotCarried = new(StringComparer.Ordinal)
    {
        "PWD", "OLDPWD", "SHLVL", "_", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX",
    };

    /// <summary>A fresh folder for the rerun: <c>&lt;common dir&gt;/gittrack/worktrees/&lt;id&gt;-rerun-N</c>.</summary>
    public static string DefaultWorktree(GitDirectories directories, RunRecord run)
    {
        var parent = Path.Combine(directories.GitTrackDir, "worktrees");
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"{run.Id}-rerun-{n}"));
            if (!Path.Exists(path))
                return path;
        }
    }

    /// <summary>The variables to set for the rerun's command: the recorded ones that were recorded in full.</summary>
    public static Dictionary<string, string?> Environment(RunRecord run)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in run.Environment)
        {
            if (NotCarried.Contains(name) || name.StartsWith("GITTRACK_", StringComparison.Ordinal))
                continue;
            // Masked (a secret, or a URL with its password masked) or too long to record: the current value stands.
            if (value.Contains(UrlCredentials.Mask, StringComparison.Ordinal) || (value.StartsWith('<') && value.EndsWith(" characters, not recorded>", StringComparison.Ordinal)))
                continue;
            result[name] = value;
        }
        return result;
    }

    /// <summary>
    /// Removes a rerun's worktree (<c>git worktree remove --force</c>: files the command wrote there and did not store
    /// as artifacts go with it). Returns git's complaint, or null when it is gone.
    /// </summary>
    public static string? RemoveWorktree(GitDirectories directories, string worktree)
    {
        ArgumentNullException.ThrowIfNull(directories);
        return new GitWorkTree(directories.WorkTree, "").RemoveWorktree(Path.GetFullPath(worktree));
    }

    /// <summary>Checks <paramref name="run"/>'s code out into <paramref name="worktree"/> (default <see cref="DefaultWorktree"/>) and returns the options to record the rerun with.</summary>
    public static RunOptions Prepare(GitDirectories directories, RunRecord run, ArtifactCache cache, string? worktree = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var folder = worktree ?? DefaultWorktree(directories, run);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        var result = RunCheckout.Apply(directories, run, cache, new CheckoutOptions { Worktree = folder, CodeOnly = true });
        var workingDirectory = run.WorkingDirectory.Length == 0 ? result.Root : Path.Combine(result.Root, run.WorkingDirectory);
        Directory.CreateDirectory(workingDirectory);
        return new RunOptions
        {
            Command = run.Command,
            WorkingDirectory = workingDirectory,
            Params = run.Params,
            Note = $"rerun of {run.Name} ({run.Id})",
            // Recorded paths are from the work tree root; the recorder takes them from the working directory.
            Artifacts = run.Artifacts.Select(a => Path.GetRelativePath(workingDirectory, Path.Combine(result.Root, a.Path))).ToArray(),
            Reproduces = run.Id,
            ExtraEnvironment = Environment(run),
        };
    }
}
