using GitTrack.Core.Checkout;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Checkout;

/// <summary>
/// Manifests pushed by someone else, crafted with git plumbing: artifact paths that are absolute, climb with '..',
/// or go through a symbolic link that leads outside. Each is refused, naming the path, before anything is written.
/// </summary>
public sealed class MaliciousManifestTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly RecordedRuns _runs;
    private readonly string _outside;
    private readonly string _worktree;

    public MaliciousManifestTests()
    {
        _runs = new RecordedRuns(_repo);
        var home = Path.GetDirectoryName(_repo.Root)!;
        _outside = Path.Combine(home, "outside");
        _worktree = Path.Combine(home, "wt");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "victim.txt"), "precious\n");
        _repo.WriteFile("models/model.bin", "model bytes\n");
        _repo.WriteFile(".gitignore", "models/\n");
        _repo.Commit("code");
    }

    public void Dispose() => _repo.Dispose();

    /// <summary>Rewrites a run's artifact path in its manifest on the runs branch, as a push from a stranger could, with plumbing only.</summary>
    private void CraftArtifactPath(RunRecord run, string path)
    {
        var manifestPath = $"runs/{run.Id[..2]}/{run.Id}/manifest.toml";
        var text = _repo.Git("show", $"gittrack/runs:{manifestPath}")
            .Replace("path = \"models/model.bin\"", $"path = \"{path.Replace("\\", "\\\\", StringComparison.Ordinal)}\"", StringComparison.Ordinal);
        var manifest = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "manifest.toml");
        File.WriteAllText(manifest, text);
        var blob = _repo.Git("hash-object", "-w", manifest).Trim();
        var index = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "crafted-index");
        var env = new Dictionary<string, string>(_repo.Environment) { ["GIT_INDEX_FILE"] = index };
        Plumbing(env, "read-tree", "gittrack/runs");
        Plumbing(env, "update-index", "--cacheinfo", $"100644,{blob},{manifestPath}");
        var tree = Plumbing(env, "write-tree").Trim();
        var commit = Plumbing(env, "commit-tree", tree, "-p", "gittrack/runs", "-m", "crafted").Trim();
        Plumbing(env, "update-ref", "refs/heads/gittrack/runs", commit);
        Assert.Contains(path, _repo.Git("show", $"gittrack/runs:{manifestPath}"), StringComparison.Ordinal);
    }

    private string Plumbing(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var result = ProcessRunner.Run("git", args, _repo.Root, env);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    [Theory]
    [InlineData("/tmp/gittrack-evil/model.bin")]
    [InlineData("../outside/victim.txt")]
    [InlineData("models/../../outside/victim.txt")]
    public void Checkout_refuses_artifact_path_outside_tree_naming_it(string path)
    {
        var run = _runs.Record("r", ["models/model.bin"]);
        CraftArtifactPath(run, path);
        File.Delete(_repo.PathOf("models/model.bin"));
        var before = RecordedRuns.Listing(_repo.Root);
        var outsideBefore = RecordedRuns.Listing(_outside);

        // The manifest reader refuses it on read, so no command ever gets to write it.
        using (var store = _runs.Open())
        {
            var error = Assert.Throws<CorruptDataException>(() => store.Get(run.Id));
            Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        }
        // And checkout refuses it on its own, for a record that did not come through the reader.
        var forged = run with { Artifacts = [run.Artifacts[0] with { Path = path }] };
        var refusal = Assert.Throws<CorruptDataException>(() =>
            RunCheckout.Apply(_runs.Directories, forged, _runs.Cache, new CheckoutOptions { Worktree = _worktree }));
        Assert.Contains($"'{path}'", refusal.Message, StringComparison.Ordinal);

        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));
        Assert.Equal(outsideBefore, RecordedRuns.Listing(_outside));
        Assert.False(Directory.Exists(_worktree));
        Assert.False(Directory.Exists("/tmp/gittrack-evil"));
    }

    [Fact]
    public void Checkout_refuses_artifact_path_through_a_symbolic_link_in_the_code_that_leads_outside()
    {
        File.CreateSymbolicLink(_repo.PathOf("exports"), _outside);
        _repo.Commit("a link out of the tree");
        var run = _runs.Record("r", ["models/model.bin"]);
        CraftArtifactPath(run, "exports/victim.txt");
        File.Delete(_repo.PathOf("models/model.bin"));
        using var store = _runs.Open();
        var crafted = store.Get(run.Id);
        var before = RecordedRuns.Listing(_repo.Root);

        var intoWorktree = Assert.Throws<CorruptDataException>(() =>
            RunCheckout.Apply(_runs.Directories, crafted, _runs.Cache, new CheckoutOptions { Worktree = _worktree }));
        var inPlace = Assert.Throws<CorruptDataException>(() =>
            RunCheckout.Apply(_runs.Directories, crafted, _runs.Cache, new CheckoutOptions { ArtifactsOnly = true, Force = true }));

        Assert.Contains("'exports/victim.txt'", intoWorktree.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link 'exports'", inPlace.Message, StringComparison.Ordinal);
        Assert.Equal("precious\n", File.ReadAllText(Path.Combine(_outside, "victim.txt")));
        Assert.Equal(before, RecordedRuns.Listing(_repo.Root));
        Assert.False(Directory.Exists(_worktree));
    }

    [Fact]
    public void Checkout_refuses_a_chain_of_links_that_climbs_out_with_dot_dot()
    {
        Directory.CreateDirectory(_repo.PathOf("a"));
        File.CreateSymbolicLink(_repo.PathOf("a/out"), "../../outside");
        File.CreateSymbolicLink(_repo.PathOf("hop"), "a/out");
        _repo.Commit("links that climb");
        var run = _runs.Record("r", ["models/model.bin"]);
        CraftArtifactPath(run, "hop/victim.txt");
        File.Delete(_repo.PathOf("models/model.bin"));
        using var store = _runs.Open();

        var error = Assert.Throws<CorruptDataException>(() =>
            RunCheckout.Apply(_runs.Directories, store.Get(run.Id), _runs.Cache, new CheckoutOptions { Worktree = _worktree }));

        Assert.Contains("'hop/victim.txt'", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious\n", File.ReadAllText(Path.Combine(_outside, "victim.txt")));
        Assert.False(Directory.Exists(_worktree));
    }
}
