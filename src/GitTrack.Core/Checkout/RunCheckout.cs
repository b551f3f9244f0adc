using GitTrack.Core.Cache;
using GitTrack.Core.Checkout.Internal;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Checkout;

/// <summary>
/// Puts a run's code (its snapshot tree, uncommitted changes included) and artifacts back, byte for byte, into the
/// current work tree or a new git worktree. Everything is checked before anything is written: artifact paths (a
/// manifest may come from a stranger's push), objects missing from the cache (all named in one error), and the
/// user's work in the way (uncommitted changes, untracked or ignored files where the run's files would go), which is
/// never overwritten without <see cref="CheckoutOptions.Force"/>. Artifacts are first restored, verified against their
/// keys, into a staging folder in the target; only when all of them are there is the code checked out and each one
/// renamed into place, so a corrupt object leaves nothing half-restored.
/// </summary>
public static class RunCheckout
{
    private const int NamedInMessage = 5;
    private const string GitFailed = "see git's message; nothing of the run's artifacts was moved into place";

    public static CheckoutResult Apply(GitDirectories directories, RunRecord run, ArtifactCache cache, CheckoutOptions options,
        IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ArtifactsOnly && (options.Worktree is not null || options.CodeOnly))
            throw new InvalidInputException("--artifacts-only restores into the current work tree only", "leave out --worktree");
        var runName = $"{run.Name} ({run.Id[..RunId.ShortLength]})";
        var restoreCode = !options.ArtifactsOnly;
        var newWorktree = options.Worktree is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Worktree));
        var root = newWorktree ?? directories.WorkTree;
        var artifacts = options.CodeOnly ? [] : run.Artifacts;
        var repository = new GitWorkTree(directories.WorkTree, GitFailed);
        var there = new GitWorkTree(root, GitFailed);

        // 1. Paths named in the manifest, before anything else looks at them.
        foreach (var artifact in artifacts)
            ManifestToml.RelativePath(artifact.Path, "artifact", $"run {runName}");

        if (newWorktree is not null && (File.Exists(newWorktree) || (Directory.Exists(newWorktree) && Directory.EnumerateFileSystemEntries(newWorktree).Any())))
            throw new ConflictException($"{newWorktree} already exists and is not empty", "give a new folder to --worktree");

        // 2. The code: the commit and snapshot must be here; list what the snapshot holds.
        Dictionary<string, SnapshotEntry>? snapshot = null;
        HashSet<string> tracked = new(StringComparer.Ordinal);
        HashSet<string> changed = new(StringComparer.Ordinal);
        string[] commitPaths = [];
        if (newWorktree is null)
        {
            tracked = [.. there.TrackedFiles()];
            changed = ChangedTrackedFiles(there);
        }
        if (restoreCode)
        {
            if (!repository.HasCommit(run.Source.Commit))
                throw new NotFoundException($"commit {run.Source.Commit[..12]} that {runName} ran on is not in this repository",
                    "nothing was written; fetch the branch that has it (git fetch), or restore the artifacts alone with --artifacts-only");
            snapshot = ListSnapshot(repository, run.Source.Tree, runName);
            commitPaths = repository.PathsIn(run.Source.Commit);
            // Neither tree may write into .git: the snapshot is pushed with the runs branch, and so may be the commit.
            foreach (var path in snapshot.Keys.Concat(commitPaths))
                if (WorkTreePath.GitDirectorySegment(path) is { } segment)
                    throw new CorruptDataException(
                        $"the code of {runName} holds '{path}', which goes into the repository's git folder ('{segment}'); refused",
                        "nothing was written; the run's code snapshot is unsafe, and may come from someone else's push");
        }

        // 3. Where each artifact really goes, following the symbolic links the target will have.
        var target = new TargetTree(root, snapshot,
            survivesOnDisk: relative => newWorktree is null && !(restoreCode && tracked.Contains(relative)),
            readLink: entry => repository.BlobText(entry.Oid));
        var placements = artifacts.Select(a => (Artifact: a, Path: target.Resolve(a.Path, runName))).ToArray();

        // 4. Every object must be in the cache: one missing here is fetched from the artifacts remote (verified, nothing
        // written to the target yet); one that is nowhere fails the checkout, naming run, path and key.
        cache.EnsureLocalAsync(artifacts.Select(a => new ObjectNeed(a.Key, runName, a.Path)), null, cancellation).GetAwaiter().GetResult();

        // 5. The user's work: never overwritten unless forced.
        var inTheWay = new List<string>();
        if (newWorktree is null)
        {
            if (restoreCode && changed.Count > 0 && !options.Force)
                throw new ConflictException($"the work tree has uncommitted changes: {Names(changed.Order(StringComparer.Ordinal))}",
                    "nothing was written; commit or stash them (git stash -u), restore elsewhere with --worktree DIR, or use --force to discard them");
            if (restoreCode)
                inTheWay.AddRange(UntrackedInTheWay(there, snapshot!, commitPaths, tracked));
            foreach (var (artifact, path) in placements)
                if (!options.Force && ArtifactInTheWay(root, artifact, path, tracked, changed, restoreCode, snapshot))
                    inTheWay.Add(path);
            if (inTheWay.Count > 0 && !options.Force)
                throw new ConflictException(
                    $"files not in git stand where the files of {runName} would go: {Names(inTheWay.Distinct().Order(StringComparer.Ordinal))}",
                    "nothing was written; move them away, restore elsewhere with --worktree DIR, or use --force to overwrite them");
        }

        // 6. Write: stage verified artifacts, then the code, then rename the artifacts into place.
        string? staging = null;
        string? previousHead = null;
        var worktreeMade = false;
        try
        {
            if (newWorktree is not null)
            {
                repository.AddWorktree(newWorktree, run.Source.Commit);
                worktreeMade = true;
                there.ResetFilesTo(run.Source.Tree);
            }
            var staged = new List<(string From, string To, ArtifactEntry Artifact)>();
            if (placements.Length > 0)
            {
                staging = Path.Combine(root, $".gittrack-checkout-{Guid.NewGuid():N}");
                Directory.CreateDirectory(staging);
                var done = 0L;
                for (var i = 0; i < placements.Length; i++)
                {
                    var (artifact, path) = placements[i];
                    var file = Path.Combine(staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var offset = done;
                    cache.RestoreTo(artifact.Key, file, progress is null ? null : new OffsetProgress(progress, offset), cancellation);
                    done += artifact.Size;
                    staged.Add((file, Path.Combine(root, path), artifact));
                }
            }
            if (newWorktree is null && restoreCode)
            {
                if (options.Force)
                    foreach (var path in inTheWay)
                        DeletePath(Path.Combine(root, path));
                var head = there.HeadCommit();
                if (head != run.Source.Commit)
                {
                    var name = there.CurrentBranch();
                    previousHead = name.Length > 0 ? name : head;
                    there.CheckoutDetached(run.Source.Commit, options.Force);
                }
                there.ResetFilesTo(run.Source.Tree);
            }
            foreach (var (from, to, _) in staged)
            {
                if (Directory.Exists(to) && new FileInfo(to).LinkTarget is null)
                    Directory.Delete(to, recursive: true); // only reached with --force: a folder stood where the file goes
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Move(from, to, overwrite: true);
            }
            return new CheckoutResult(root, restoreCode, staged.Select(s => s.Artifact).ToArray(), previousHead);
        }
        catch when (worktreeMade)
        {
            repository.RemoveWorktree(newWorktree!);
            repository.PruneWorktrees();
            throw;
        }
        finally
        {
            if (staging is not null && Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static Dictionary<string, SnapshotEntry> ListSnapshot(GitWorkTree repository, string tree, string runName)
    {
        var listing = repository.ListTree(tree)
            ?? throw new CorruptDataException($"the code snapshot {tree[..12]} of {runName} is not in this repository",
                "nothing was written; fetch the runs branch again");
        var entries = new Dictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        foreach (var line in listing)
        {
            // "<mode> SP <type> SP <oid> TAB <path>"
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var fields = line[..tab].Split(' ');
            var path = line[(tab + 1)..];
            entries[path] = new SnapshotEntry(fields[0], fields[1], fields[2], path);
        }
        return entries;
    }

    private static HashSet<string> ChangedTrackedFiles(GitWorkTree workTree)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var fields = workTree.StatusOfTrackedFiles();
        for (var i = 0; i < fields.Length; i++)
        {
            var entry = fields[i];
            if (entry.Length < 4)
                continue;
            changed.Add(entry[3..]);
            if (entry[0] is 'R' or 'C')
                changed.Add(fields[++i]); // the rename's source follows
        }
        return changed;
    }

    /// <summary>Files not tracked now (untracked or ignored) at a path the run's commit or snapshot writes, unless they already hold the snapshot's bytes.</summary>
    private static List<string> UntrackedInTheWay(GitWorkTree workTree, Dictionary<string, SnapshotEntry> snapshot, string[] commitPaths, HashSet<string> tracked)
    {
        var root = workTree.Root;
        var candidates = snapshot.Keys.Concat(commitPaths).Distinct(StringComparer.Ordinal)
            .Where(p => !tracked.Contains(p) && Exists(Path.Combine(root, p)))
            .ToArray();
        var same = new HashSet<string>(StringComparer.Ordinal);
        var regular = candidates.Where(p => snapshot.TryGetValue(p, out var e) && e.Type == "blob" && !e.IsSymlink
            && File.Exists(Path.Combine(root, p)) && new FileInfo(Path.Combine(root, p)).LinkTarget is null).ToArray();
        if (regular.Length > 0)
        {
            if (workTree.HashFiles(regular) is { } ids)
                for (var i = 0; i < regular.Length; i++)
                    if (ids[i] == snapshot[regular[i]].Oid)
                        same.Add(regular[i]);
        }
        return candidates.Where(p => !same.Contains(p)).ToList();
    }

    private static bool ArtifactInTheWay(string root, ArtifactEntry artifact, string path, HashSet<string> tracked, HashSet<string> changed,
        bool restoreCode, Dictionary<string, SnapshotEntry>? snapshot)
    {
        var full = Path.Combine(root, path);
        if (!Exists(full))
            return false;
        if (restoreCode && (snapshot!.ContainsKey(path) || tracked.Contains(path)))
            return false; // git's business: the snapshot's file, or a committed one git can give back
        if (!restoreCode && tracked.Contains(path) && !changed.Contains(path))
            return false; // committed: 'git checkout -- path' gives it back
        var info = new FileInfo(full);
        return info.LinkTarget is not null || !info.Exists || info.Length != artifact.Size || HashFile(full) != artifact.Key;
    }

    private static Blake3Hash HashFile(string path)
    {
        using var hasher = Blake3Hasher.Create();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
            hasher.Update(buffer.AsSpan(0, read));
        return hasher.Finalize();
    }

    private static bool Exists(string full) => File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null;

    private static void DeletePath(string full)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is not null || info.Exists)
            File.Delete(full);
        else if (Directory.Exists(full))
            Directory.Delete(full, recursive: true);
    }

    /// <summary>Reports bytes done across all artifacts, from one artifact's count.</summary>
    private sealed class OffsetProgress(IProgress<long> inner, long offset) : IProgress<long>
    {
        public void Report(long value) => inner.Report(offset + value);
    }

    private static string Names(IEnumerable<string> names)
    {
        var all = names.ToArray();
        var shown = string.Join(", ", all.Take(NamedInMessage));
        return all.Length > NamedInMessage ? $"{shown} and {all.Length - NamedInMessage} more" : shown;
    }

}
