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

    /// <summary>Each recorded input, checked (and when missing from the rerun's checkout, put there: see the class).</summary>
    public static IReadOnlyList<InputCheck> Inputs(GitDirectories directories, RunRecord run, ArtifactCache cache, string rerunRoot)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(cache);
        var checks = new List<InputCheck>();
        foreach (var input in run.Inputs)
        {
            var path = input.IsAbsolute ? input.Path : Path.GetFullPath(Path.Combine(rerunRoot, input.Path));
            string? note = null;
            if (!input.IsAbsolute && !Path.Exists(path))
            {
                if (input.Stored && TryRestore(cache, input, path))
                {
                    checks.Add(new InputCheck(input, path, InputState.Restored, input.Key, "put back from the artifact cache"));
                    continue;
                }
                var original = Path.GetFullPath(Path.Combine(directories.WorkTree, input.Path));
                if (Path.Exists(original))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    if (Directory.Exists(original))
                        Directory.CreateSymbolicLink(path, original);
                    else
                        File.CreateSymbolicLink(path, original);
                    note = $"linked from {original}";
                }
            }
            if (!Path.Exists(path))
            {
                checks.Add(new InputCheck(input, path, InputState.Missing, null, note));
                continue;
            }
            Blake3Hash current;
            try
            {
                current = InputHasher.Hash(cache, directories.WorkTree, path, store: false).Key;
            }
            catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
            {
                checks.Add(new InputCheck(input, path, InputState.Missing, null, e.Message));
                continue;
            }
            checks.Add(new InputCheck(input, path, current == input.Key ? InputState.Same : InputState.Changed, current, note));
        }
        return checks;
    }

    /// <summary>Writes a stored input back at <paramref name="path"/> (a folder file by file from its listing); false when something is not in the cache.</summary>
    private static bool TryRestore(ArtifactCache cache, InputEntry input, string path)
    {
        try
        {
            if (!input.IsFolder)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                cache.RestoreTo(input.Key, path);
                return true;
            }
            using var listing = new MemoryStream();
            cache.CopyTo(input.Key, listing);
            foreach (var line in System.Text.Encoding.UTF8.GetString(listing.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ', 3);
                if (parts.Length != 3 || !Blake3Hash.TryParse(parts[0], out var key))
                    return false;
                // The listing came from the cache, which the run wrote; its paths are still checked to stay inside.
                var relative = ManifestToml.RelativePath(parts[2], "input listing", input.Path);
                var target = Path.Combine(path, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                cache.RestoreTo(key, target);
            }
            return true;
        }
        catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
