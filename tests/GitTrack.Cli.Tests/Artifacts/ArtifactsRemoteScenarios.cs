using System.Security.Cryptography;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Artifacts;

/// <summary>
/// What every kind of artifacts remote must do, run against a real one by each subclass (an S3 server on 127.0.0.1,
/// a shared folder): two clones share a run's artifacts byte for byte, readers fetch missing objects on demand, a
/// corrupt remote object is caught and never stored, a missing one is named with its run, path and key, two clones
/// push one object at once, and gc on the remote deletes only what the git remote's runs do not reference.
/// </summary>
public abstract class ArtifactsRemoteScenarios : IDisposable
{
    private TwoClones? _clones;

    /// <summary>The remote for this test; created on first use (after the subclass decided whether to skip).</summary>
    protected TwoClones Clones => _clones ??= new TwoClones(RemoteUrl, Environment);

    protected abstract string RemoteUrl { get; }
    protected abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The stored bytes of the remote object with this key, or null when the remote lacks it.</summary>
    protected abstract byte[]? RemoteObject(string key);

    /// <summary>Replaces the remote object's stored bytes behind the store's back.</summary>
    protected abstract void OverwriteRemoteObject(string key, byte[] stored);

    /// <summary>Skips the test when the remote's server cannot run here.</summary>
    protected abstract void SkipUnlessAvailable();

    [SkippableFact]
    public void Two_clones_share_a_runs_model_byte_for_byte_through_the_remote()
    {
        SkipUnlessAvailable();
        var model = TwoClones.RandomBytes(3 << 20, seed: 1);
        Clones.Record("m1", ("models/model.bin", model), ("notes.txt", "small\n"u8.ToArray()));
        var pushed = Clones.Ok(Clones.A, "cache", "push");
        Assert.Contains("pushed 3 objects", pushed.Stdout, StringComparison.Ordinal); // model, notes, log
        var key = Clones.KeyOf("m1", "models/model.bin");
        // The remote holds the cache's own bytes under the cache's own layout.
        Assert.Equal(File.ReadAllBytes(TwoClones.ObjectPath(Clones.A, key)), RemoteObject(key));
        Assert.Contains("nothing to push: all 3 objects of 1 run", Clones.Ok(Clones.A, "cache", "push").Stdout, StringComparison.Ordinal);

        Clones.FetchIntoB();
        Assert.False(File.Exists(TwoClones.ObjectPath(Clones.B, key)));
        var shown = Clones.Ok(Clones.B, "show", "m1").Stdout;
        Assert.Contains($"{key}  (not local)", shown, StringComparison.Ordinal);
        Clones.Ok(Clones.B, "checkout", "m1", "--artifacts-only");
        Assert.Equal(model, File.ReadAllBytes(Clones.B.PathOf("models/model.bin")));
        Assert.Equal("small\n", File.ReadAllText(Clones.B.PathOf("notes.txt")));
        Assert.DoesNotContain("(not local)", Clones.Ok(Clones.B, "show", "m1").Stdout.Split("\n(log)")[0]
            .Split('\n').Where(l => l.Contains("model.bin", StringComparison.Ordinal)).FirstOrDefault() ?? "", StringComparison.Ordinal);
        Assert.Contains("intact", Clones.Ok(Clones.B, "cache", "verify", key).Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Cache_cat_ui_and_pull_fetch_missing_objects_on_demand()
    {
        SkipUnlessAvailable();
        var data = TwoClones.RandomBytes(200_000, seed: 2);
        Clones.Record("d1", ("data/table.bin", data));
        var key = Clones.KeyOf("d1", "data/table.bin");
        Clones.Ok(Clones.A, "cache", "push", "d1");
        Clones.FetchIntoB();

        // cache cat: a full key, then (after removing the object again) a prefix, which the remote's listing resolves.
        var output = Path.Combine(Clones.B.Root, "..", "out.bin");
        Clones.Ok(Clones.B, "cache", "cat", key, "-o", output);
        Assert.Equal(data, File.ReadAllBytes(output));
        Assert.True(File.Exists(TwoClones.ObjectPath(Clones.B, key)), "the fetched object is kept in the local cache");
        DeleteObject(Clones.B, key);
        Clones.Ok(Clones.B, "cache", "cat", key[..10], "-o", output);
        Assert.Equal(data, File.ReadAllBytes(output));

        // The web UI's artifact download and log view.
        DeleteObject(Clones.B, key);
        using (var ui = new UiProcess(Clones.B, Clones.Environment))
        {
            var id = System.Text.Json.JsonDocument.Parse(Clones.Ok(Clones.B, "show", "d1", "--json").Stdout).RootElement.GetProperty("id").GetString();
            Assert.Equal(data, ui.Client.GetByteArrayAsync($"/api/artifacts/{key}?name=table.bin").GetAwaiter().GetResult());
            Assert.Contains("training d1", ui.Client.GetStringAsync($"/api/runs/{id}/log").GetAwaiter().GetResult(), StringComparison.Ordinal);
        }

        // cache pull brings everything at once; a second pull has nothing to do.
        DeleteObject(Clones.B, key);
        Assert.Contains("pulled 1 object", Clones.Ok(Clones.B, "cache", "pull").Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(TwoClones.ObjectPath(Clones.B, key)));
        Assert.Contains("nothing to pull", Clones.Ok(Clones.B, "cache", "pull", "d1").Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_corrupt_remote_object_is_reported_with_its_key_and_never_written()
    {
        SkipUnlessAvailable();
        var model = TwoClones.RandomBytes(1 << 20, seed: 3);
        Clones.Record("c1", ("model.bin", model));
        var key = Clones.KeyOf("c1", "model.bin");
        Clones.Ok(Clones.A, "cache", "push");
        var stored = RemoteObject(key)!;
        stored[stored.Length / 2] ^= 0x40; // same size, one bit wrong
        OverwriteRemoteObject(key, stored);
        Clones.FetchIntoB();

        var checkout = Clones.Run(Clones.B, "checkout", "c1", "--artifacts-only");
        Assert.Equal(1, checkout.ExitCode);
        Assert.Contains($"corrupt object {key} on the artifacts remote", checkout.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Clones.B.PathOf("model.bin")), "a corrupt object never reaches the work tree");
        Assert.False(File.Exists(TwoClones.ObjectPath(Clones.B, key)), "nor the cache");
        var temp = Path.Combine(Clones.B.Root, ".git", "gittrack", "objects", "tmp");
        Assert.True(!Directory.Exists(temp) || !Directory.EnumerateFiles(temp).Any(), "nor a temporary file");
        var cat = Clones.Run(Clones.B, "cache", "cat", key);
        Assert.Equal(1, cat.ExitCode);
        Assert.Contains($"corrupt object {key}", cat.Stderr, StringComparison.Ordinal);

        // Pushing again from the clone with the intact object does not repair it by itself (same size: present), but
        // after the bad copy is deleted on the remote the push restores it and B's checkout works.
        DeleteRemoteObject(key);
        Clones.Ok(Clones.A, "cache", "push");
        Clones.Ok(Clones.B, "checkout", "c1", "--artifacts-only");
        Assert.Equal(model, File.ReadAllBytes(Clones.B.PathOf("model.bin")));
    }

    [SkippableFact]
    public void An_object_missing_everywhere_names_the_run_the_path_the_key_and_what_to_do()
    {
        SkipUnlessAvailable();
        Clones.Record("x1", ("weights.bin", TwoClones.RandomBytes(5000, seed: 4)));
        var key = Clones.KeyOf("x1", "weights.bin");
        Clones.FetchIntoB(); // the runs travel, the objects were never pushed

        var checkout = Clones.Run(Clones.B, "checkout", "x1", "--artifacts-only");
        Assert.Equal(2, checkout.ExitCode);
        Assert.Contains($"weights.bin of x1 (", checkout.Stderr, StringComparison.Ordinal);
        Assert.Contains($"(key {key})", checkout.Stderr, StringComparison.Ordinal);
        Assert.Contains("neither in the local cache nor on the artifacts remote", checkout.Stderr, StringComparison.Ordinal);
        Assert.Contains("gittrack cache push", checkout.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Clones.B.PathOf("weights.bin")));

        Clones.B.Git("config", "--unset", "gittrack.artifacts");
        var noRemote = Clones.Run(Clones.B, "checkout", "x1", "--artifacts-only");
        Assert.Equal(2, noRemote.ExitCode);
        Assert.Contains($"weights.bin of x1 (", noRemote.Stderr, StringComparison.Ordinal);
        Assert.Contains("no artifacts remote is set", noRemote.Stderr, StringComparison.Ordinal);
        Assert.Contains("git config gittrack.artifacts", noRemote.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Two_clones_pushing_the_same_object_at_once_both_succeed()
    {
        SkipUnlessAvailable();
        var model = TwoClones.RandomBytes(40 << 20, seed: 5); // large enough for a multipart upload on S3
        Clones.Record("a1", ("model.bin", model));
        var key = Clones.KeyOf("a1", "model.bin");
        Clones.FetchIntoB();
        Clones.B.WriteFile("model.bin", model);
        Clones.Ok(Clones.B, "run", "-n", "b1", "-a", "model.bin", "--", "true");

        using var fromA = GitTrackProcess.Start(Clones.A, Clones.Environment, "cache", "push");
        using var fromB = GitTrackProcess.Start(Clones.B, Clones.Environment, "cache", "push", "b1");
        var a = fromA.WaitForExit(TimeSpan.FromMinutes(5));
        var b = fromB.WaitForExit(TimeSpan.FromMinutes(5));
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stderr);

        DeleteObject(Clones.A, key);
        Clones.Ok(Clones.A, "cache", "pull", "a1");
        Assert.Contains("all intact", Clones.Ok(Clones.A, "cache", "verify", key).Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Gc_on_the_remote_deletes_only_objects_the_git_remotes_runs_do_not_reference()
    {
        SkipUnlessAvailable();
        var hub = Path.Combine(Path.GetDirectoryName(Clones.A.Root)!, "hub.git");
        ProcessRunner.Run("git", ["init", "-q", "--bare", hub], Path.GetTempPath());
        Clones.A.Git("remote", "add", "hub", hub);
        Clones.Record("kept", ("kept.bin", TwoClones.RandomBytes(10_000, seed: 6)));
        Clones.Ok(Clones.A, "cache", "push");
        var kept = Clones.KeyOf("kept", "kept.bin");

        var refused = Clones.Run(Clones.A, "gc", "--remote", "--grace", "0");
        Assert.Equal(2, refused.ExitCode); // no remote-tracking runs branch yet: nothing can be judged unreferenced
        Assert.Contains("git fetch", refused.Stderr, StringComparison.Ordinal);
        Assert.NotNull(RemoteObject(kept));

        Clones.A.Git("push", "-q", "hub", "gittrack/runs"); // also sets refs/remotes/hub/gittrack/runs
        Clones.Record("unpublished", ("dropped.bin", TwoClones.RandomBytes(10_000, seed: 7)));
        Clones.Ok(Clones.A, "cache", "push", "unpublished"); // on the remote, but its run never reached git
        var dropped = Clones.KeyOf("unpublished", "dropped.bin");

        Assert.Contains("deleted 0 objects", Clones.Ok(Clones.A, "gc", "--remote").Stdout, StringComparison.Ordinal); // all younger than a day
        var dry = Clones.Ok(Clones.A, "gc", "--remote", "--grace", "0", "--dry-run").Stdout;
        Assert.Contains($"would delete {dropped}", dry, StringComparison.Ordinal);
        Assert.DoesNotContain(kept, dry, StringComparison.Ordinal);
        Assert.NotNull(RemoteObject(dropped));

        var gc = Clones.Ok(Clones.A, "gc", "--remote", "--grace", "0").Stdout;
        Assert.Contains("deleted 2 objects", gc, StringComparison.Ordinal); // dropped.bin and that run's log
        Assert.Null(RemoteObject(dropped));
        Assert.NotNull(RemoteObject(kept));
        Assert.True(File.Exists(TwoClones.ObjectPath(Clones.A, dropped)), "gc --remote leaves the local cache alone");
    }

    protected void DeleteObject(TempGitRepo repo, string key) => File.Delete(TwoClones.ObjectPath(repo, key));

    protected abstract void DeleteRemoteObject(string key);

    protected static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public virtual void Dispose()
    {
        _clones?.Dispose();
        GC.SuppressFinalize(this);
    }
}
