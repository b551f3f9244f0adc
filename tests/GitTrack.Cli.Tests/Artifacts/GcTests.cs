using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Artifacts;

/// <summary>
/// <c>gittrack gc</c> and <c>gittrack rm --purge</c> on the local cache: what runs reference (on the local and the
/// remote-tracking runs branches, removed runs included) stays, young objects stay, objects written since a running
/// run began stay, and the rest goes, with what was freed printed.
/// </summary>
public sealed class GcTests : IDisposable
{
    private readonly TwoClones _clones = new("file://" + Path.Combine(Path.GetTempPath(), "gittrack-tests", "unused-remote"), new Dictionary<string, string>());

    private TempGitRepo A => _clones.A;

    private string AddLoose(string name, int seed)
    {
        var path = A.WriteFile(name, TwoClones.RandomBytes(20_000, seed));
        return _clones.Ok(A, "cache", "add", path).Stdout.Split(' ')[0];
    }

    private bool Has(TempGitRepo repo, string key) => File.Exists(TwoClones.ObjectPath(repo, key));

    [Fact]
    public void Gc_deletes_only_unreferenced_objects_older_than_the_grace_period()
    {
        _clones.Record("r1", ("model.bin", TwoClones.RandomBytes(30_000, 1)));
        _clones.Record("r2", ("other.bin", TwoClones.RandomBytes(30_000, 2)));
        var r1 = _clones.KeyOf("r1", "model.bin");
        var r2 = _clones.KeyOf("r2", "other.bin");
        _clones.Ok(A, "rm", "r2"); // hidden, not purged: its objects stay
        var loose = AddLoose("loose.bin", 3);

        var young = _clones.Ok(A, "gc").Stdout;
        Assert.Contains("deleted 0 objects", young, StringComparison.Ordinal);
        Assert.Contains("younger than 1d", young, StringComparison.Ordinal);
        Assert.True(Has(A, loose));

        var dry = _clones.Ok(A, "gc", "--grace", "0", "--dry-run").Stdout;
        Assert.Contains($"would delete {loose}", dry, StringComparison.Ordinal);
        Assert.Contains("would delete 1 object", dry, StringComparison.Ordinal);
        Assert.True(Has(A, loose));

        var gc = _clones.Ok(A, "gc", "--grace", "0").Stdout;
        Assert.Contains("deleted 1 object (19.5 KiB) in the local cache", gc, StringComparison.Ordinal);
        Assert.Contains("referenced by 2 runs", gc, StringComparison.Ordinal);
        Assert.False(Has(A, loose));
        Assert.True(Has(A, r1));
        Assert.True(Has(A, r2));
        Assert.Contains("all intact", _clones.Ok(A, "cache", "verify").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_on_remote_tracking_branches_keep_their_objects()
    {
        _clones.Record("shared", ("model.bin", TwoClones.RandomBytes(30_000, 4)));
        var key = _clones.KeyOf("shared", "model.bin");
        _clones.FetchIntoB();
        // B has the object (copied by hand) but only a remote-tracking copy of the run: delete B's local runs branch.
        Directory.CreateDirectory(Path.GetDirectoryName(TwoClones.ObjectPath(_clones.B, key))!);
        File.Copy(TwoClones.ObjectPath(A, key), TwoClones.ObjectPath(_clones.B, key));
        _clones.B.Git("branch", "-D", "gittrack/runs");
        var gc = _clones.Ok(_clones.B, "gc", "--grace", "0").Stdout;
        Assert.Contains("deleted 0 objects", gc, StringComparison.Ordinal);
        Assert.Contains("refs/remotes/origin/gittrack/runs", gc, StringComparison.Ordinal);
        Assert.True(Has(_clones.B, key));
    }

    [Fact]
    public void Rm_purge_frees_the_runs_objects_that_no_other_run_references()
    {
        var sharedBytes = TwoClones.RandomBytes(25_000, 5);
        _clones.Record("keep", ("shared.bin", sharedBytes));
        _clones.Record("drop", ("shared.bin", sharedBytes), ("own.bin", TwoClones.RandomBytes(25_000, 6)));
        var shared = _clones.KeyOf("drop", "shared.bin");
        var own = _clones.KeyOf("drop", "own.bin");

        var purge = _clones.Ok(A, "rm", "--purge", "drop").Stdout;
        Assert.Contains($"freed {own}", purge, StringComparison.Ordinal);
        Assert.DoesNotContain($"freed {shared}", purge, StringComparison.Ordinal);
        Assert.Contains("freed 2 objects", purge, StringComparison.Ordinal); // own.bin and the run's log
        Assert.Contains("kept 1 that other runs reference", purge, StringComparison.Ordinal);
        Assert.False(Has(A, own));
        Assert.True(Has(A, shared));
        Assert.DoesNotContain("drop", _clones.Ok(A, "ls").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_keeps_objects_written_since_a_running_run_began()
    {
        // A run that waits for a file: while it runs, an object added now (as its artifacts will be at its end) stays.
        var gate = Path.Combine(A.Root, "..", "gate");
        A.WriteFile("wait.sh", $"while [ ! -e '{gate}' ]; do sleep 0.1; done\n");
        A.Commit("wait script");
        using var running = GitTrackProcess.Start(A, null, "run", "-n", "slow", "--", "sh", "wait.sh");
        var active = Path.Combine(A.Root, ".git", "gittrack", "active");
        BackgroundProcess.WaitUntil(() => Directory.Exists(active) && Directory.EnumerateDirectories(active).Any()
            && _clones.Run(A, "ls").Stdout.Contains("slow", StringComparison.Ordinal), TimeSpan.FromMinutes(2), "the run to start");
        var fresh = AddLoose("fresh.bin", 7);
        var gc = _clones.Ok(A, "gc", "--grace", "0").Stdout;
        Assert.Contains("1 written since a run still recording began", gc, StringComparison.Ordinal);
        Assert.True(Has(A, fresh));

        File.WriteAllText(gate, "");
        Assert.Equal(0, running.WaitForExit(TimeSpan.FromMinutes(2)).ExitCode);
        var after = _clones.Ok(A, "gc", "--grace", "0").Stdout;
        Assert.Contains("deleted 1 object", after, StringComparison.Ordinal);
        Assert.False(Has(A, fresh));
    }

    [Fact]
    public void Grace_takes_a_duration_and_refuses_anything_else()
    {
        var bad = _clones.Run(A, "gc", "--grace", "soon");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'soon' is not a duration", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("deleted 0 objects", _clones.Ok(A, "gc", "--grace", "36h").Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _clones.Dispose();
}
