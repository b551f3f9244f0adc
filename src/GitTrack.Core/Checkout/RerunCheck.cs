using System.Collections;
using GitTrack.Core.Cache;
using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Checkout;

/// <summary>
/// Before <c>gittrack rerun</c> starts the command: compares the environment it will run in with the packages the run
/// recorded, and every recorded input with what is there now. An input that is not in the rerun's checkout (data
/// kept out of git) is taken from the artifact cache when the run stored it (<c>--store</c>), else from the user's
/// work tree, linked into the checkout so the command finds it where it did.
/// </summary>
public static class RerunCheck
{
    /// <summary>The package differences (recorded to now); null when the run recorded no packages or its environment file is missing.</summary>
    public static IReadOnlyList<PackageChange>? Packages(RunStore store, RunRecord run, RunOptions rerun, string rerunRoot)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rerun);
        if (run.Packages?.Key is not { } key || store.ReadEnvironment(key) is not { } recorded)
            return null;
        var environment = new Hashtable(Environment.GetEnvironmentVariables());
        foreach (var (name, value) in rerun.ExtraEnvironment)
        {
            if (value is null)
                environment.Remove(name);
            else
                environment[name] = value;
        }
        var (now, _) = PackageCapture.Capture(rerun.Command, rerun.WorkingDirectory, rerunRoot, environment);
        return [.. EnvironmentDiffer.Packages(recorded, now).Where(c => c.Kind != ChangeKind.Same)];
    }

    /// <summary>
    /// Each recorded input, checked. An input the run stored (<c>--store</c>) that is missing from the rerun's checkout
    /// or differs there is put back from the artifact cache, which fetches what it lacks from the artifacts remote
    /// (docs/format.md, "Artifacts remotes"); one not stored and missing is linked from the user's work tree. Only the
    /// rerun's checkout is ever written: absolute inputs (outside the work tree) are only compared, and a path that
    /// leads out of the checkout or into its <c>.git</c> through a symbolic link is refused.
    /// </summary>
    public static IReadOnlyList<InputCheck> Inputs(GitDirectories directories, RunRecord run, ArtifactCache cache, string rerunRoot)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(cache);
        var root = Path.GetFullPath(rerunRoot);
        var tree = new Internal.TargetTree(root, null, _ => true, _ => "");
        var label = $"{run.Name} ({run.Id[..RunId.ShortLength]})";
        var checks = new List<InputCheck>();
        foreach (var input in run.Inputs)
        {
            var path = input.IsAbsolute ? input.Path : Path.GetFullPath(Path.Combine(root, input.Path));
            string? note = null;
            Blake3Hash? current = Path.Exists(path) ? KeyOf(cache, directories, path) : null;
            if (!input.IsAbsolute && current != input.Key && input.Stored)
            {
                var problem = TryRestore(cache, tree, input, root, label);
                if (problem is null && KeyOf(cache, directories, path) is { } restored && restored == input.Key)
                {
                    checks.Add(new InputCheck(input, path, InputState.Restored, input.Key,
                        current is null ? "put back from the artifact cache" : $"was {current.Value.ToString()[..12]}, put back from the artifact cache"));
                    continue;
                }
                note = $"could not be put back: {problem ?? "the restored copy has another key"}";
                current = Path.Exists(path) ? KeyOf(cache, directories, path) : null;
            }
            if (!input.IsAbsolute && !Path.Exists(path))
            {
                var original = Path.GetFullPath(Path.Combine(directories.WorkTree, input.Path));
                if (Path.Exists(original) && SafeTarget(tree, input, label) is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    if (Directory.Exists(original))
                        Directory.CreateSymbolicLink(path, original);
                    else
                        File.CreateSymbolicLink(path, original);
                    note = note is null ? $"linked from {original}" : $"{note}; linked from {original}";
                    current = KeyOf(cache, directories, path);
                }
            }
            if (current is null)
            {
                checks.Add(new InputCheck(input, path, InputState.Missing, null, note));
                continue;
            }
            checks.Add(new InputCheck(input, path, current == input.Key ? InputState.Same : InputState.Changed, current, note));
        }
        return checks;
    }

    private static Blake3Hash? KeyOf(ArtifactCache cache, GitDirectories directories, string path)
    {
        try
        {
            return InputHasher.Hash(cache, directories.WorkTree, path, store: false).Key;
        }
        catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The input's path in the checkout with its folders' links followed, or null when that leaves the checkout or enters .git.</summary>
    private static string? SafeTarget(Internal.TargetTree tree, InputEntry input, string label)
    {
        try
        {
            return tree.Resolve(input.Path, label);
        }
        catch (Exception e) when (e is GitTrackException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes a stored input back into the checkout (a folder file by file from its listing, into a fresh folder that
    /// then takes the old one's place); returns why not, or null. What stood there is replaced, never written
    /// through: a link the checks made to the user's data is removed, not followed.
    /// </summary>
    private static string? TryRestore(ArtifactCache cache, Internal.TargetTree tree, InputEntry input, string root, string label)
    {
        try
        {
            var relative = tree.Resolve(input.Path, label);
            var target = Path.Combine(root, relative);
            var need = new ObjectNeed(input.Key, label, input.Path);
            if (!input.IsFolder)
            {
                if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
                    Directory.Delete(target, recursive: true);
                cache.RestoreTo(input.Key, target, need: need);
                return null;
            }
            using var listing = new MemoryStream();
            cache.CopyTo(input.Key, listing, need: need);
            var fresh = Path.Combine(Path.GetDirectoryName(target)!, Cache.Internal.AtomicFile.TempName("." + Path.GetFileName(target) + "."));
            try
            {
                foreach (var line in System.Text.Encoding.UTF8.GetString(listing.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var parts = line.Split(' ', 3);
                    if (parts.Length != 3 || !Blake3Hash.TryParse(parts[0], out var key))
                        return $"the stored listing of {input.Path} is not an input listing";
                    // The listing came from the cache (or the remote), which anyone may have filled: its paths are checked too.
                    var file = ManifestToml.RelativePath(parts[2], "input listing", input.Path);
                    cache.RestoreTo(key, Path.Combine(fresh, file), need: new ObjectNeed(key, label, $"{input.Path}/{file}"));
                }
                Directory.CreateDirectory(fresh);
                RemoveEntry(target);
                Directory.Move(fresh, target);
            }
            finally
            {
                if (Directory.Exists(fresh))
                    Directory.Delete(fresh, recursive: true);
            }
            return null;
        }
        catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Removes a file, a link (not what it points to) or a folder of the rerun's checkout.</summary>
    private static void RemoveEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
            info.Delete();
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }
}
