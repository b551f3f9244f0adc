using System.Collections;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// Captures the packages of the environment a command runs in, cheaply (files only, no process started: about a
/// millisecond per 50 packages, docs/benchmarks.md): Python distributions of the command's interpreter, the conda
/// environment's records, a .NET project's resolved NuGet packages, CUDA and cuDNN, and the lock files present in the
/// work tree. The result is a <see cref="PackageSet"/> (stored once per distinct content) and the manifest's
/// <see cref="PackagesInfo"/>.
/// </summary>
public static class PackageCapture
{
    /// <summary>Lock and requirement files looked for in the command's folder and each folder up to the work tree root.</summary>
    private static readonly string[] LockFilePatterns =
        ["uv.lock", "poetry.lock", "Pipfile.lock", "pixi.lock", "conda-lock.yml", "environment.yml", "environment.yaml", "requirements*.txt", "packages.lock.json"];

    /// <summary>What was found; <paramref name="environment"/> is the command's environment (PATH, VIRTUAL_ENV, CONDA_PREFIX, CUDA_HOME).</summary>
    public static (PackageSet Set, PackagesInfo Info) Capture(IReadOnlyList<string> command, string workingDirectory, string workTree, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        string? Variable(string name) => environment[name] as string;
        var packages = new List<Package>();
        var sources = new List<string>();

        var sites = PythonPackages.SiteFolders(command, workingDirectory, Variable("PATH"), Variable("VIRTUAL_ENV"));
        foreach (var site in sites)
        {
            var count = packages.Count;
            packages.AddRange(PythonPackages.Read([site]));
            if (packages.Count > count)
                sources.Add("python " + site);
        }

        // The conda environment the interpreter belongs to, else the active one.
        string? conda = null;
        foreach (var site in sites)
        {
            for (var dir = Path.GetDirectoryName(site); dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (CondaPackages.IsEnvironment(dir))
                {
                    conda = dir;
                    break;
                }
            }
            if (conda is not null)
                break;
        }
        if (conda is null && Variable("CONDA_PREFIX") is { Length: > 0 } active && CondaPackages.IsEnvironment(active))
            conda = active;
        if (conda is not null)
        {
            var count = packages.Count;
            packages.AddRange(CondaPackages.Read(conda));
            if (packages.Count > count)
                sources.Add("conda " + conda);
        }

        var program = command.Count > 0 ? ExecutableLookup.Find(command[0], Variable("PATH"), workingDirectory) : null;
        if (DotnetPackages.AssetsFile(command, workingDirectory, program) is { } assets)
        {
            var count = packages.Count;
            packages.AddRange(DotnetPackages.Read(assets));
            if (packages.Count > count)
                sources.Add("nuget " + assets);
        }

        var cudaCount = packages.Count;
        packages.AddRange(CudaVersions.Read(Variable("CUDA_HOME") ?? Variable("CUDA_PATH")));
        if (packages.Count > cudaCount)
            sources.Add("system cuda");

        var set = PackageSet.Of(packages);
        var info = new PackagesInfo
        {
            Key = set.Count > 0 ? set.Key.ToString() : null,
            Count = set.Count,
            Sources = sources,
            LockFiles = LockFiles(workingDirectory, workTree),
        };
        return (set, info);
    }

    /// <summary>Lock files in <paramref name="workingDirectory"/> and each folder above it up to <paramref name="workTree"/>, as paths from the work tree root.</summary>
    internal static IReadOnlyList<string> LockFiles(string workingDirectory, string workTree)
    {
        var root = Path.GetFullPath(workTree).TrimEnd(Path.DirectorySeparatorChar);
        var found = new List<string>();
        for (var dir = Path.GetFullPath(workingDirectory).TrimEnd(Path.DirectorySeparatorChar); ; dir = Path.GetDirectoryName(dir)!)
        {
            if (!(dir + Path.DirectorySeparatorChar).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                break;
            foreach (var pattern in LockFilePatterns)
            {
                try
                {
                    foreach (var file in Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal))
                    {
                        var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                        if (!relative.Any(char.IsControl) && !relative.Contains(':') && !relative.Contains('\\'))
                            found.Add(relative);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            if (dir == root || Path.GetDirectoryName(dir) is null)
                break;
        }
        return found;
    }
}
