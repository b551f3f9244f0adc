using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// What the real <c>gittrack run</c> keeps when storage fails under it: a disk that fills up before the run ends
/// (a real tmpfs holding the repository: the run is kept in its local folder and committed by the next gittrack once
/// space is freed), and <c>git gc --prune=now</c> while a long run records (its sealed history segments are
/// unreferenced blobs until the end: the whole history still reads back).
/// </summary>
public sealed class RunStorageFaultsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Marker(string name) => Path.Combine(Path.GetDirectoryName(_repo.Root)!, name);

    [SkippableFact]
    public void A_disk_that_fills_before_the_run_ends_keeps_the_run_locally_and_the_next_call_after_space_is_freed_commits_it()
    {
        Requirement.That(Environment.UserName == "root", "mounting a small tmpfs needs root (.ci/run runs as root)");
        var home = Path.GetDirectoryName(_repo.Root)!;
        var disk = Path.Combine(home, "disk");
        Directory.CreateDirectory(disk);
        var mount = ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", disk], home, _repo.Environment);
        Requirement.That(mount.ExitCode == 0, $"cannot mount a tmpfs here: {mount.Stderr.Trim()}");
        try
        {
            var root = Path.Combine(disk, "repo");
            var copy = ProcessRunner.Run("cp", ["-a", _repo.Root, root], home, _repo.Environment);
            Assert.True(copy.ExitCode == 0, copy.Stderr);
            var filler = Path.Combine(disk, "filler");
            var filled = Marker("filled");
            // Logs a metric, then fills the disk (dd stops at ENOSPC) and exits 0: the run ends on a full disk.
            var script = $$"""
                echo '{"type":"metric","name":"loss","value":0.5,"step":1}' >> "$GITTRACK_EVENTS"
                echo '{"type":"metric","name":"loss","value":0.25,"step":2}' >> "$GITTRACK_EVENTS"
                echo '{"type":"param","name":"lr","value":0.1}' >> "$GITTRACK_EVENTS"
                echo before the disk filled
                dd if=/dev/zero of="{{filler}}" bs=1M 2>/dev/null
                echo > "{{filled}}"
                exit 0
                """;
            var environment = GitTrackProcess.Merge(_repo.Environment, new Dictionary<string, string>
            {
                ["GITTRACK_SAVE_RETRY_SECONDS"] = "1",
                ["GITTRACK_CHECKPOINT_SECONDS"] = "0.2",
            });
            var run = GitTrackProcess.RunIn(root, environment, "run", "-n", "full", "--", "bash", "-c", script);

            Assert.True(File.Exists(filled), run.Stderr);
            Assert.NotEqual(0, run.ExitCode);
            var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var error = Assert.Single(lines, l => l.StartsWith("gittrack: could not save run full", StringComparison.Ordinal));
            Assert.Contains("space", error, StringComparison.OrdinalIgnoreCase);
            var active = Path.Combine(root, ".git", "gittrack", "active");
            var folder = Assert.Single(Directory.GetDirectories(active));
            var id = Path.GetFileName(folder);
            Assert.Contains(folder, error, StringComparison.Ordinal);
            var final = File.ReadAllText(Path.Combine(folder, "final.toml"));
            Assert.Contains("status = \"completed\"", final, StringComparison.Ordinal);
            Assert.Contains("exit_code = 0", final, StringComparison.Ordinal);

            File.Delete(filler);
            var ls = GitTrackProcess.RunIn(root, _repo.Environment, "ls", "--json");

            Assert.True(ls.ExitCode == 0, ls.Stderr);
            Assert.Contains($"run full ({id[..8]}) was left unsaved; recorded it as completed", ls.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(folder));
            var subjects = ProcessRunner.Run("git", ["log", "--first-parent", "--format=%s", "gittrack/runs"], root, _repo.Environment).Stdout;
            Assert.Contains($"run full ({id[..8]}): completed", subjects, StringComparison.Ordinal);
            using var show = JsonDocument.Parse(GitTrackProcess.RunIn(root, _repo.Environment, "show", id, "--json").Stdout);
            var shown = show.RootElement;
            Assert.Equal("completed", shown.GetProperty("status").GetString());
            Assert.Equal(0, shown.GetProperty("exit_code").GetInt32());
            Assert.Equal(0.25, shown.GetProperty("metrics").GetProperty("loss").GetDouble());
            Assert.Equal(0.1, shown.GetProperty("params").GetProperty("lr").GetDouble());
            Assert.Equal(2, shown.GetProperty("history").GetProperty("loss").GetProperty("count").GetInt32());
            var log = GitTrackProcess.RunIn(root, _repo.Environment, "log", id);
            Assert.Contains("before the disk filled", log.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            ProcessRunner.Run("umount", ["-l", disk], home, _repo.Environment);
        }
    }

    [Fact]
    public void Git_gc_prune_now_while_a_long_run_records_loses_none_of_its_history()
    {
        var logged = Marker("logged");
        var go = Marker("go");
        // 140,000 points: two full segments sealed early as unreferenced blobs, then a partial one written at the end.
        _repo.WriteFile("points.py", """
            import os, sys, time
            with open(os.environ["GITTRACK_EVENTS"], "a") as f:
                f.write("".join('{"type":"metric","name":"x","value":%d,"step":%d}\n' % (i, i) for i in range(140000)))
            open(sys.argv[1], "w").close()
            while not os.path.exists(sys.argv[2]):
                time.sleep(0.05)
            with open(os.environ["GITTRACK_EVENTS"], "a") as f:
                f.write('{"type":"metric","name":"x","value":140000,"step":140000}\n')
            """);
        _repo.Commit("points");
        var environment = new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "0.2" };
        using var gittrack = GitTrackProcess.Start(_repo, environment, "run", "-n", "long", "--", "python3", "points.py", logged, go);

        BackgroundProcess.WaitUntil(() => File.Exists(logged), Patience, "the child to log");
        BackgroundProcess.WaitUntil(() => RunsOnBranch.Ids(_repo).Count == 1 &&
            RunsOnBranch.History(_repo, RunsOnBranch.SingleId(_repo)).Count == 140_000, Patience, "a checkpoint of every point");
        var id = RunsOnBranch.SingleId(_repo);
        var before = _repo.Git("fsck", "--unreachable", "--no-reflogs", "--no-progress");
        _repo.Git("gc", "--prune=now", "-q");
        var after = _repo.Git("fsck", "--unreachable", "--no-reflogs", "--no-progress");
        File.WriteAllText(go, "");
        var result = gittrack.WaitForExit(Patience);

        Assert.True(result.ExitCode == 0, result.Stderr);
        // The two sealed segments were unreferenced blobs, and gc deleted them.
        Assert.True(before.Split('\n').Count(l => l.StartsWith("unreachable blob", StringComparison.Ordinal)) >= 2, before);
        Assert.DoesNotContain("unreachable blob", after, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 140_001).Select(i => (long)i), RunsOnBranch.History(_repo, id).Select(p => p.Step!.Value));
        var fsck = ProcessRunner.Run("git", ["fsck", "--strict", "--no-progress"], _repo.Root, _repo.Environment);
        Assert.True(fsck.ExitCode == 0, fsck.Stdout + fsck.Stderr);
        var segments = _repo.Git("ls-tree", "--name-only", $"{RunsOnBranch.Branch}:runs/{id[..2]}/{id}/history/");
        Assert.Equal(["000000.bin", "000001.bin", "000002.bin"], segments.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
