using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Runs that travel: <c>gittrack push</c>, <c>pull</c> and <c>sync</c> between real clones of a real bare remote, a
/// branch that merges by itself (diverged copies, one run edited on two clones, edits while running, hidden on one
/// side and tagged on the other, pushes racing, <c>receive.denyNonFastForwards</c>), and a fresh clone that lists the
/// team's runs before any pull. Everything through the real gittrack process; what arrived is checked with git.
/// </summary>
public sealed class SharingRunsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TempGitRepo _alice = new();
    private readonly List<TempGitRepo> _clones = [];
    private string _origin = "";

    public void Dispose()
    {
        foreach (var clone in _clones)
            clone.Dispose();
        _alice.Dispose();
    }

    private TempGitRepo Origin(params string[] configs)
    {
        _origin = _alice.CreateBareOrigin(configs);
        return _alice;
    }

    private TempGitRepo Clone(string user = "Bob")
    {
        var clone = TempGitRepo.CloneOf(_origin, user);
        _clones.Add(clone);
        return clone;
    }

    private static string Record(TempGitRepo repo, string name, params string[] extra)
    {
        var result = GitTrackProcess.Run(repo, ["run", "-n", name, .. extra, "--", "true"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return Ls(repo).Single(r => r.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    private static string Ok(TempGitRepo repo, params string[] args)
    {
        var result = GitTrackProcess.Run(repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    private static List<JsonElement> Ls(TempGitRepo repo, bool all = false)
    {
        var result = GitTrackProcess.Run(repo, all ? ["ls", "--all", "--json"] : ["ls", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static JsonElement Show(TempGitRepo repo, string run)
    {
        using var doc = JsonDocument.Parse(Ok(repo, "show", run, "--json"));
        return doc.RootElement.Clone();
    }

    /// <summary>Run ids on the remote's runs branch, read with git alone.</summary>
    private List<string> RemoteIds() => [.. ProcessRunner.Run("git", ["--git-dir", _origin, "ls-tree", "-r", "--name-only", "gittrack/runs", "runs/"], _alice.Root, _alice.Environment)
        .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(p => p.EndsWith("/manifest.toml", StringComparison.Ordinal)).Select(p => p.Split('/')[2])];

    private void FsckRemote()
    {
        var fsck = ProcessRunner.Run("git", ["--git-dir", _origin, "fsck", "--strict", "--no-progress"], _alice.Root, _alice.Environment);
        Assert.True(fsck.ExitCode == 0, fsck.Stdout + fsck.Stderr);
    }

    [Fact]
    public void Two_clones_that_both_recorded_push_and_pull_and_both_end_with_every_run()
    {
        var alice = Origin();
        var bob = Clone();
        var a = Record(alice, "alice-1");
        var b = Record(bob, "bob-1");
        var mainBefore = bob.Git("rev-parse", "main");

        Assert.Contains("pushed runs to origin", Ok(alice, "push"), StringComparison.Ordinal);
        // Bob's push finds the remote moved: it merges Alice's runs first, then pushes, without force.
        var bobPush = Ok(bob, "push");
        Assert.Contains("pushed runs to origin", bobPush, StringComparison.Ordinal);
        Assert.Contains("pulled 1 run first", bobPush, StringComparison.Ordinal);
        Assert.Contains("1 run new", Ok(alice, "pull"), StringComparison.Ordinal);

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), RemoteIds().Order(StringComparer.Ordinal));
        foreach (var repo in new[] { alice, bob })
            Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), Ls(repo).Select(r => r.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        // The user's own branch and work tree are never touched.
        Assert.Equal(mainBefore, bob.Git("rev-parse", "main"));
        Assert.Equal("", bob.Git("status", "--porcelain"));
        Assert.Equal("up to date with origin", Ok(bob, "pull").Trim());
        FsckRemote();
    }

    [Fact]
    public void A_fresh_clone_lists_the_teams_runs_before_any_pull_and_a_checkout_of_the_branch_writes_no_code()
    {
        var alice = Origin();
        alice.WriteFile("model/big.py", new string('x', 50_000));
        alice.Commit("a bigger project");
        alice.Git("push", "-q", "origin", "main");
        var id = Record(alice, "baseline", "-p", "lr=0.1");
        Ok(alice, "push");

        var carol = Clone("Carol");
        var listed = Assert.Single(Ls(carol));
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("origin", listed.GetProperty("only_on").GetString());
        Assert.Equal(0.1, Show(carol, "baseline").GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Contains("only on origin", Ok(carol, "show", "baseline"), StringComparison.Ordinal);
        // The code restores from a clone that only fetched: the snapshot travels with the branch.
        Ok(carol, "checkout", "baseline", "--worktree", Path.Combine(carol.Root, "..", "restored"));
        Assert.Equal(new string('x', 50_000), File.ReadAllText(Path.Combine(carol.Root, "..", "restored", "model", "big.py")));

        // Checking the runs branch out writes its small tree only, never a run's code.
        var runsOnly = TempGitRepo.CloneOf(_origin, "Dave", "--single-branch", "-b", "gittrack/runs");
        _clones.Add(runsOnly);
        var files = Directory.EnumerateFiles(runsOnly.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(runsOnly.Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["README.md", $"runs/{id[..2]}/{id}/manifest.toml"], files);
    }

    [Fact]
    public void One_run_edited_on_two_clones_merges_every_edit_and_a_plain_git_merge_does_not_conflict_either()
    {
        var alice = Origin();
        var id = Record(alice, "shared", "-t", "stage=raw");
        Ok(alice, "push");
        var bob = Clone();
        Ok(bob, "pull");

        Ok(alice, "tag", "shared", "reviewer=alice");
        Ok(alice, "note", "shared", "alice's note");
        Ok(bob, "tag", "shared", "dataset=v2");
        Ok(bob, "untag", "shared", "stage");
        Ok(bob, "rename", "shared", "shared-v2");

        // git itself merges the two copies without a conflict: every change is a file of its own.
        Ok(alice, "push");
        bob.Git("fetch", "-q", "origin");
        var worktree = Path.Combine(bob.Root, "..", "runs-checkout");
        bob.Git("worktree", "add", "-q", "--detach", worktree, "gittrack/runs");
        var merge = ProcessRunner.Run("git", ["merge", "--no-edit", "-q", "refs/remotes/origin/gittrack/runs"], worktree, bob.Environment);
        Assert.True(merge.ExitCode == 0, merge.Stdout + merge.Stderr);
        bob.Git("worktree", "remove", "--force", worktree);

        Ok(bob, "sync");
        Ok(alice, "pull");
        foreach (var repo in new[] { alice, bob })
        {
            var run = Show(repo, id);
            Assert.Equal("shared-v2", run.GetProperty("name").GetString());
            Assert.Equal("alice's note", run.GetProperty("note").GetString());
            var tags = run.GetProperty("tags");
            Assert.Equal("alice", tags.GetProperty("reviewer").GetString());
            Assert.Equal("v2", tags.GetProperty("dataset").GetString());
            Assert.False(tags.TryGetProperty("stage", out _));
        }
        FsckRemote();
    }

    [Fact]
    public void A_run_hidden_on_one_clone_and_tagged_on_the_other_is_hidden_and_tagged_after_the_merge()
    {
        var alice = Origin();
        var id = Record(alice, "doomed");
        Ok(alice, "push");
        var bob = Clone();
        Ok(bob, "pull");
        Ok(alice, "rm", "doomed");
        Ok(bob, "tag", "doomed", "keep=maybe");
        Ok(alice, "push");
        Ok(bob, "push");
        Ok(alice, "pull");

        foreach (var repo in new[] { alice, bob })
        {
            Assert.Empty(Ls(repo));
            var run = Assert.Single(Ls(repo, all: true));
            Assert.NotEqual(JsonValueKind.Null, run.GetProperty("removed_at").ValueKind);
            Assert.Equal("maybe", Show(repo, id).GetProperty("tags").GetProperty("keep").GetString());
        }
    }

    [Fact]
    public void Edits_made_while_a_run_records_survive_its_end()
    {
        var alice = Origin();
        var go = Path.Combine(alice.Root, "..", "go");
        using var running = GitTrackProcess.Start(alice, null, "run", "-n", "long", "--", "sh", "-c", $"while [ ! -e '{go}' ]; do sleep 0.1; done");
        BackgroundProcess.WaitUntil(() => RunsOnBranch.Ids(alice).Count == 1, Patience, "the run to start");
        Ok(alice, "tag", "long", "watched=yes");
        Ok(alice, "note", "long", "written while it ran");
        Ok(alice, "rename", "long", "long-renamed");
        File.WriteAllText(go, "");
        Assert.Equal(0, running.WaitForExit(Patience).ExitCode);

        var run = Show(alice, RunsOnBranch.SingleId(alice));
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("long-renamed", run.GetProperty("name").GetString());
        Assert.Equal("written while it ran", run.GetProperty("note").GetString());
        Assert.Equal("yes", run.GetProperty("tags").GetProperty("watched").GetString());
        // Two commits for the run and one per edit: no checkpoint commits.
        Assert.Equal(5, RunsOnBranch.Subjects(alice).Length);
    }

    [Fact]
    public void Many_clones_pushing_at_once_all_get_through_each_run_arrives_once_and_the_remote_stays_whole()
    {
        var alice = Origin("receive.denyNonFastForwards=true");
        Ok(alice, "push"); // nothing yet: says so, changes nothing
        var clones = Enumerable.Range(0, 6).Select(i => Clone($"Worker {i}")).ToList();
        var ids = new List<string>();
        foreach (var (clone, i) in clones.Select((c, i) => (c, i)))
        {
            ids.Add(Record(clone, $"w{i}-a"));
            ids.Add(Record(clone, $"w{i}-b"));
        }
        var pushes = clones.Select(c => GitTrackProcess.Start(c, null, "push")).ToList();
        foreach (var push in pushes)
        {
            var result = push.WaitForExit(Patience);
            Assert.True(result.ExitCode == 0, result.Stderr);
            push.Dispose();
        }
        var remote = RemoteIds();
        Assert.Equal(ids.Order(StringComparer.Ordinal), remote.Order(StringComparer.Ordinal));
        FsckRemote();
        Ok(alice, "pull");
        Assert.Equal(ids.Count, Ls(alice).Count);
    }

    [Fact]
    public void A_run_pushed_while_running_and_finished_later_merges_to_its_final_state()
    {
        var alice = Origin();
        var bob = Clone();
        var go = Path.Combine(alice.Root, "..", "go");
        var script = $"echo '{{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5,\"step\":1}}' >> \"$GITTRACK_EVENTS\"; while [ ! -e '{go}' ]; do sleep 0.1; done";
        using var running = GitTrackProcess.Start(alice, new Dictionary<string, string> { ["GITTRACK_CHECKPOINT_SECONDS"] = "0.2" },
            "run", "-n", "cluster-job", "--push-every", "2s", "--", "sh", "-c", script);
        BackgroundProcess.WaitUntil(() =>
        {
            GitTrackProcess.Run(bob, "pull");
            var runs = Ls(bob);
            return runs.Count == 1 && runs[0].GetProperty("metrics").TryGetProperty("loss", out _);
        }, Patience, "the running run's progress to reach the other clone");
        var seen = Assert.Single(Ls(bob));
        Assert.Equal("running", seen.GetProperty("status").GetString());
        Ok(bob, "tag", "cluster-job", "seen-by=bob");
        Ok(bob, "push");

        File.WriteAllText(go, "");
        Assert.Equal(0, running.WaitForExit(Patience).ExitCode);
        Ok(bob, "pull");
        Ok(alice, "pull");
        foreach (var repo in new[] { alice, bob })
        {
            var run = Show(repo, "cluster-job");
            Assert.Equal("completed", run.GetProperty("status").GetString());
            Assert.Equal("bob", run.GetProperty("tags").GetProperty("seen-by").GetString());
            Assert.Equal(0.5, run.GetProperty("metrics").GetProperty("loss").GetDouble());
        }
        FsckRemote();
    }

    [Fact]
    public void Push_and_pull_name_what_is_wrong_with_a_remote()
    {
        var alice = Origin();
        var result = GitTrackProcess.Run(alice, "push", "nowhere");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no git remote named 'nowhere'", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("origin has no runs yet", Ok(alice, "pull").Trim());
        alice.Git("remote", "set-url", "origin", Path.Combine(_alice.Root, "..", "missing.git"));
        var broken = GitTrackProcess.Run(alice, "pull");
        Assert.Equal(1, broken.ExitCode);
        Assert.Single(broken.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gittrack: git fetch origin failed:", broken.Stderr, StringComparison.Ordinal);
    }
}
