using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The repository stays packed (docs/format.md, "Packing"): libgit2 writes every object loose and never runs git's
/// automatic gc, so gittrack starts <c>git gc --auto</c> in the background once git's own <c>gc.auto</c> estimate is
/// passed, and nothing recorded is lost to it.
/// </summary>
public sealed class RepositoryPackingTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private int LooseObjects()
    {
        var line = _repo.Git("count-objects", "-v").Split('\n').First(l => l.StartsWith("count: ", StringComparison.Ordinal));
        return int.Parse(line["count: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool GcRunning() => File.Exists(_repo.PathOf(".git/gc.pid"));

    private int Packs()
    {
        var line = _repo.Git("count-objects", "-v").Split('\n').First(l => l.StartsWith("packs: ", StringComparison.Ordinal));
        return int.Parse(line["packs: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private int LooseIn17() => Directory.Exists(_repo.PathOf(".git/objects/17")) ? Directory.GetFiles(_repo.PathOf(".git/objects/17")).Length : 0;

    // git estimates loose objects from objects/17 alone (times 256). Three committed files whose blob ids start with 17
    // put that estimate at 768, past a gc.auto of 256 (whose threshold is more than one object there), at once.
    private void LooseObjectsPastTheEstimate()
    {
        var found = 0;
        for (var i = 0; found < 3; i++)
        {
            var content = System.Text.Encoding.UTF8.GetBytes($"sample {i}\n");
            var header = System.Text.Encoding.ASCII.GetBytes($"blob {content.Length}\0");
            if (Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData([.. header, .. content])).StartsWith("17", StringComparison.Ordinal))
                _repo.WriteFile($"data/sample{found++}.txt", System.Text.Encoding.UTF8.GetString(content));
        }
        _repo.Commit("samples");
        Assert.True(LooseIn17() >= 3, $"{LooseIn17()} loose objects in objects/17");
    }

    [Fact]
    public void Runs_recorded_past_gc_auto_leave_the_repository_packed_and_lose_nothing()
    {
        LooseObjectsPastTheEstimate();
        _repo.Git("config", "gc.auto", "256");
        Assert.Equal(0, Packs());

        var first = GitTrackProcess.Run(_repo, "run", "-p", "lr=0.1", "--", "python3", "-c", "print('one')");
        Assert.True(first.ExitCode == 0, first.Stderr);
        // The collection runs in the background: the command did not wait for it.
        BackgroundProcess.WaitUntil(() => Packs() >= 1 && LooseIn17() == 0 && !GcRunning(), TimeSpan.FromMinutes(5), "git gc --auto to pack the repository");
        Assert.Contains("gc-auto.stamp", Directory.GetFiles(_repo.PathOf(".git/gittrack")).Select(Path.GetFileName));

        var second = GitTrackProcess.Run(_repo, "run", "-p", "lr=0.2", "--", "python3", "-c", "print('two')");
        Assert.True(second.ExitCode == 0, second.Stderr);

        var fsck = ProcessRunner.Run("git", ["fsck", "--strict", "--no-progress"], _repo.Root, _repo.Environment);
        Assert.True(fsck.ExitCode == 0, fsck.Stdout + fsck.Stderr);
        var ls = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        var runs = JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(["0.1", "0.2"], runs.Select(r => r.GetProperty("params").GetProperty("lr").GetRawText()).Order());
        foreach (var id in RunsOnBranch.Ids(_repo))
        {
            var show = GitTrackProcess.Run(_repo, "show", id);
            Assert.True(show.ExitCode == 0, show.Stderr);
            Assert.Equal("completed", RunsOnBranch.Manifest(_repo, id).GetProperty("status").GetString());
        }
        // The first run's code snapshot (every work tree file) is still reachable and whole after packing.
        Assert.Contains("data/sample2.txt", _repo.Git("ls-tree", "-r", "--name-only", RunsOnBranch.Manifest(_repo, RunsOnBranch.Ids(_repo)[0]).GetProperty("source").GetProperty("tree").GetString()!));
    }

    [Fact]
    public void Gc_auto_zero_turns_the_background_collection_off()
    {
        LooseObjectsPastTheEstimate();
        _repo.Git("config", "gc.auto", "0");
        var before = LooseObjects();

        var result = GitTrackProcess.Run(_repo, "run", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.False(File.Exists(_repo.PathOf(".git/gittrack/gc-auto.stamp")));
        Assert.True(LooseObjects() > before, "the run's objects are loose");
        Assert.Equal(0, Packs());
    }
}
