using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Lineage;

/// <summary>Package environments: canonical files, verified reads, the readers of each source, and merging two branches that both added one.</summary>
public sealed class EnvironmentsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static PackageSet Set(params (string, string)[] packages) => PackageSet.Of(packages.Select(p => new Package("pip", p.Item1, p.Item2)));

    [Fact]
    public void Equal_environments_are_equal_bytes_whatever_the_order_and_spelling_found()
    {
        var a = PackageSet.Of([new Package("pip", "Torch_Vision", "0.17"), new Package("conda", "numpy", "1.26"), new Package("pip", "numpy", "1.26")]);
        var b = PackageSet.Of([new Package("pip", "numpy", "1.26"), new Package("conda", "numpy", "1.26"), new Package("pip", "Torch_Vision", "0.17"),
            new Package("pip", "torch-vision", "9.9")]); // the same normalised name later on the path: shadowed, as importlib does

        Assert.Equal(a.Key, b.Key);
        Assert.Equal(["conda numpy", "pip numpy", "pip Torch_Vision"], a.Packages.Select(p => $"{p.Manager} {p.Name}"));
        Assert.Equal(a.Key, PackageSet.Read(a.Bytes, a.Key.ToString()).Key);
    }

    [Fact]
    public void A_file_that_does_not_hash_to_its_name_or_is_not_canonical_is_corrupt()
    {
        var set = Set(("numpy", "1.26"), ("pandas", "2.2"));
        var reordered = Encoding.UTF8.GetBytes("schema = 1\n\n[[packages]]\nmanager = \"pip\"\nname = \"pandas\"\nversion = \"2.2\"\n\n[[packages]]\nmanager = \"pip\"\nname = \"numpy\"\nversion = \"1.26\"\n");
        var reorderedKey = GitTrack.Core.Hashing.Blake3Hasher.Hash(reordered).ToString();

        Assert.Throws<CorruptDataException>(() => { PackageSet.Read(set.Bytes, new string((char)48, 64)); });
        Assert.Contains("canonically", Assert.Throws<CorruptDataException>(() => PackageSet.Read(reordered, reorderedKey)).Message);
    }

    [Fact]
    public void Two_branches_that_each_added_the_same_environment_merge_without_a_clash()
    {
        var dirs = GitDirectories.Discover(_repo.Root);
        var tree = _repo.Git("rev-parse", "HEAD^{tree}").Trim();
        var shared = Set(("numpy", "1.26"));
        var other = Set(("numpy", "2.0"));
        using (var store = RunStore.Open(dirs))
            store.Create(SampleRuns.Minimal(tree, T0, "a", RunStatus.Completed) with { EndedAt = T0 }, environment: shared);
        var ours = _repo.Git("rev-parse", "gittrack/runs^{tree}").Trim();
        // Another clone: the same root, its own run in the same environment and one in another.
        _repo.Git("update-ref", "refs/heads/gittrack/runs", _repo.Git("rev-list", "--first-parent", "--max-parents=0", "gittrack/runs").Trim());
        using (var store = RunStore.Open(dirs))
        {
            store.Create(SampleRuns.Minimal(tree, T0.AddMinutes(1), "b", RunStatus.Completed) with { EndedAt = T0 }, environment: shared);
            store.Create(SampleRuns.Minimal(tree, T0.AddMinutes(2), "c", RunStatus.Completed) with { EndedAt = T0 }, environment: other);
        }
        var theirs = _repo.Git("rev-parse", "gittrack/runs^{tree}").Trim();

        using var git = GitRepository.Open(dirs);
        var merge = new RunsBranchMerge(git);
        var merged = merge.Merge(ours, theirs);

        Assert.Empty(merge.Clashes);
        var files = _repo.Git("ls-tree", "-r", "--name-only", merged, "environments/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = new[] { PackageSet.PathOf(shared.Key.ToString()), PackageSet.PathOf(other.Key.ToString()) }.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, files.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, _repo.Git("ls-tree", "-r", "--name-only", merged, "runs/").Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(p => p.EndsWith("manifest.toml", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_readers_take_names_and_versions_from_metadata_conda_records_and_a_real_assets_file()
    {
        var folder = Path.Combine(_repo.Root, "meta");
        Directory.CreateDirectory(folder);
        var metadata = Path.Combine(folder, "METADATA");
        File.WriteAllText(metadata, "Metadata-Version: 2.1\nName: scikit-learn\nVersion: 1.5.0\n\nVersion: 9.9\n");
        Assert.Equal(new Package("pip", "scikit-learn", "1.5.0"), PythonPackages.ReadHeaders(metadata));

        // This test project's own assets file, written by a real 'dotnet restore'.
        var project = AppContext.BaseDirectory;
        while (project is not null && !File.Exists(Path.Combine(project, "obj", "project.assets.json")))
            project = Path.GetDirectoryName(project);
        Assert.NotNull(project);
        var packages = DotnetPackages.Read(Path.Combine(project, "obj", "project.assets.json")).ToList();
        Assert.Contains(packages, p => p.Manager == "nuget" && p.Name == "xunit");
        Assert.DoesNotContain(packages, p => p.Name == "GitTrack.Core"); // a project reference, not a package
    }
}
