using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>tag</c>, <c>untag</c>, <c>note</c>, <c>rename</c>, <c>rm</c> and <c>restore</c> through the real process: each is
/// one commit on the runs branch by the user's git identity, and what it changed is what <c>show</c> and <c>ls</c> read.
/// </summary>
public sealed class OrganisingRunsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private RunRecord Add(string name, int minutes = 0) => RunSeeder.Add(_repo, r => r with
    {
        Id = RunId.New(RunSeeder.T0.AddMinutes(minutes)).Value,
        Name = name,
        StartedAt = RunSeeder.T0.AddMinutes(minutes),
        EndedAt = RunSeeder.T0.AddMinutes(minutes + 1),
    });

    private string LastCommit() => _repo.Git("log", "-1", "--format=%an|%s", "gittrack/runs").Trim();

    private int CommitCount() => int.Parse(_repo.Git("rev-list", "--count", "gittrack/runs").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private JsonDocument Show(string run) => JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", run, "--json").Stdout);

    [Fact]
    public void Tag_and_untag_change_the_tags_in_one_commit_each_signed_by_the_user()
    {
        var run = Add("baseline");
        var before = CommitCount();

        var tag = GitTrackProcess.Run(_repo, "tag", "baseline", "team=vision", "stage=prod, eu");
        Assert.Equal(0, tag.ExitCode);
        Assert.Equal(before + 1, CommitCount());
        Assert.Equal($"Test User|run baseline ({run.Id[..8]}): tagged team=vision, stage=prod, eu", LastCommit());
        using (var doc = Show("baseline"))
        {
            Assert.Equal("vision", doc.RootElement.GetProperty("tags").GetProperty("team").GetString());
            Assert.Equal("prod, eu", doc.RootElement.GetProperty("tags").GetProperty("stage").GetString());
        }
        Assert.Contains("baseline", GitTrackProcess.Run(_repo, "ls", "--filter", "tags.team = vision").Stdout, StringComparison.Ordinal);

        var untag = GitTrackProcess.Run(_repo, "untag", run.Id[..6], "stage");
        Assert.Equal(0, untag.ExitCode);
        Assert.Equal(before + 2, CommitCount());
        using (var doc = Show("baseline"))
            Assert.False(doc.RootElement.GetProperty("tags").TryGetProperty("stage", out _));

        var notThere = GitTrackProcess.Run(_repo, "untag", "baseline", "stage");
        Assert.Equal(2, notThere.ExitCode);
        Assert.Equal("gittrack: run baseline has no tag 'stage' (its tags: team)", notThere.Stderr.Trim());
        var badPair = GitTrackProcess.Run(_repo, "tag", "baseline", "novalue");
        Assert.Equal(2, badPair.ExitCode);
        Assert.StartsWith("gittrack: 'novalue' is not KEY=VALUE", badPair.Stderr, StringComparison.Ordinal);
        Assert.Equal(before + 2, CommitCount());
    }

    [Fact]
    public void Note_and_rename_are_commits_and_a_taken_name_is_refused()
    {
        var run = Add("run_001");
        Add("taken", 1);

        Assert.Equal(0, GitTrackProcess.Run(_repo, "note", "run_001", "lr sweep, \"best\" so far").ExitCode);
        Assert.EndsWith("note set", LastCommit(), StringComparison.Ordinal);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "rename", "run_001", "baseline").ExitCode);
        Assert.Equal($"Test User|run baseline ({run.Id[..8]}): renamed from run_001", LastCommit());

        using (var doc = Show(run.Id))
        {
            Assert.Equal("baseline", doc.RootElement.GetProperty("name").GetString());
            Assert.Equal("lr sweep, \"best\" so far", doc.RootElement.GetProperty("note").GetString());
        }
        var taken = GitTrackProcess.Run(_repo, "rename", "baseline", "taken");
        Assert.Equal(2, taken.ExitCode);
        Assert.StartsWith("gittrack: the name 'taken' is already used by run", taken.Stderr, StringComparison.Ordinal);

        var unknown = GitTrackProcess.Run(_repo, "note", "nope", "x");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("gittrack: no run matches 'nope' (see 'gittrack ls' for runs)", unknown.Stderr.Trim());
    }

    [Fact]
    public void Rm_hides_runs_from_listings_and_restore_brings_them_back_by_id()
    {
        var gone = Add("gone");
        var kept = Add("kept", 1);
        var manifest = _repo.Git("rev-parse", $"gittrack/runs:runs/{gone.Id[..2]}/{gone.Id}/manifest.toml").Trim();

        var rm = GitTrackProcess.Run(_repo, "rm", "gone");
        Assert.Equal(0, rm.ExitCode);
        Assert.EndsWith("removed", LastCommit(), StringComparison.Ordinal);
        // Hiding is an edit of its own (docs/format.md, "Edits"): a new file, the manifest untouched.
        var edits = _repo.Git("ls-tree", "--name-only", $"gittrack/runs:runs/{gone.Id[..2]}/{gone.Id}/edits/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var edit = _repo.Git("show", $"gittrack/runs:runs/{gone.Id[..2]}/{gone.Id}/edits/{Assert.Single(edits)}");
        Assert.Contains("hidden = true", edit, StringComparison.Ordinal);

        var ls = GitTrackProcess.Run(_repo, "ls");
        Assert.DoesNotContain("gone", ls.Stdout, StringComparison.Ordinal);
        Assert.Contains("kept", ls.Stdout, StringComparison.Ordinal);
        var all = GitTrackProcess.Run(_repo, "ls", "--all");
        Assert.Contains("completed (removed)", all.Stdout, StringComparison.Ordinal);
        // The data is still on the branch, and the name no longer resolves; the id does.
        Assert.Equal(manifest, _repo.Git("rev-parse", $"gittrack/runs:runs/{gone.Id[..2]}/{gone.Id}/manifest.toml").Trim());
        Assert.Equal(2, GitTrackProcess.Run(_repo, "show", "gone").ExitCode);
        Assert.Contains("gittrack restore", GitTrackProcess.Run(_repo, "show", gone.Id).Stdout, StringComparison.Ordinal);

        var restore = GitTrackProcess.Run(_repo, "restore", gone.Id);
        Assert.Equal(0, restore.ExitCode);
        Assert.EndsWith("restored", LastCommit(), StringComparison.Ordinal);
        Assert.Contains("gone", GitTrackProcess.Run(_repo, "ls").Stdout, StringComparison.Ordinal);

        // Several at once, and a typo among them removes nothing.
        var typo = GitTrackProcess.Run(_repo, "rm", "gone", "kept", "typo");
        Assert.Equal(2, typo.ExitCode);
        Assert.Equal(2, GitTrackProcess.Run(_repo, "ls").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "rm", "gone", kept.Id[..6]).ExitCode);
        Assert.Contains("no runs yet", GitTrackProcess.Run(_repo, "ls").Stderr, StringComparison.Ordinal);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "restore", "kept").ExitCode);
    }

    [Fact]
    public void An_ambiguous_name_lists_the_candidates_and_changes_nothing()
    {
        Add("twin");
        Add("twin", 1);
        var before = CommitCount();
        var result = GitTrackProcess.Run(_repo, "tag", "twin", "a=b");
        Assert.Equal(2, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("gittrack: 'twin' matches 2 runs", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Equal(before, CommitCount());
    }
}
