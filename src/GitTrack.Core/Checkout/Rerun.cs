using System.Globalization;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
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
    /// What the record masked as secret (docs/protocol.md, "Secrets") and a rerun therefore gets as <c>***</c>: the params
    /// and command-line arguments holding the mask, named for a warning. Empty when nothing was masked.
    /// </summary>
    public static IReadOnlyList<string> MaskedInputs(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var masked = run.Params.Where(p => p.Value is string s && s.Contains(UrlCredentials.Mask, StringComparison.Ordinal))
            .Select(p => $"param {p.Key}").ToList();
        masked.AddRange(run.Command.Select((arg, i) => (arg, i))
            .Where(a => a.arg.Contains(UrlCredentials.Mask, StringComparison.Ordinal))
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"argument {a.i} ('{a.arg}')")));
        return masked;
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

    /// <summary>
    /// The run's working directory inside the checked-out <paramref name="root"/>, following the symbolic links the
    /// code has on the way; refused when one leads outside the root or into its git folder (the path itself was
    /// checked by the manifest reader, the links come with the snapshot, which may be someone else's push).
    /// </summary>
    private static string WorkingDirectoryIn(string root, RunRecord run)
    {
        var current = root;
        foreach (var part in run.WorkingDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            if (new DirectoryInfo(current).ResolveLinkTarget(returnFinalTarget: true) is not { } target)
                continue;
            var relative = Path.GetRelativePath(root, target.FullName);
            if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative)
                || WorkTreePath.GitDirectorySegment(relative.Replace(Path.DirectorySeparatorChar, '/')) is not null)
                throw new CorruptDataException(
                    $"the working directory '{run.WorkingDirectory}' of {run.Name} ({run.Id[..RunId.ShortLength]}) goes through the symbolic link '{part}', which leads to {target.FullName}, outside the work tree or into its git folder; refused",
                    "nothing was run; the run's code snapshot is unsafe, and may come from someone else's push");
            current = target.FullName;
        }
        return current;
    }

    /// <summary>Checks <paramref name="run"/>'s code out into <paramref name="worktree"/> (default <see cref="DefaultWorktree"/>) and returns the options to record the rerun with.</summary>
    public static RunOptions Prepare(GitDirectories directories, RunRecord run, ArtifactCache cache, string? worktree = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var folder = worktree ?? DefaultWorktree(directories, run);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        var result = RunCheckout.Apply(directories, run, cache, new CheckoutOptions { Worktree = folder, CodeOnly = true });
        string workingDirectory;
        try
        {
            workingDirectory = WorkingDirectoryIn(result.Root, run);
        }
        catch (CorruptDataException)
        {
            RemoveWorktree(directories, result.Root);
            throw;
        }
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
