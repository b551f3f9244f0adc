using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// Merges two copies of the runs branch's tree into one that holds everything both had, without ever conflicting
/// (docs/format.md, "Merging"). The branch is a set: runs keyed by id, edits and registry entries keyed by random ids,
/// so almost everything is a union of paths. The one thing two copies can hold differently is the part of a run its
/// recorder writes (<c>manifest.toml</c> and <c>history/</c>, rewritten as the run progresses, by that one recorder):
/// the more advanced state wins (ended over running, then the higher <c>revision</c>), ties broken by blob id so every
/// machine picks the same. Work is proportional to what differs: equal tree ids are never opened.
/// </summary>
internal sealed class RunsBranchMerge(GitRepository git)
{
    /// <summary>Runs whose folders differed on the two sides (for the summary a pull prints).</summary>
    public int RunsMerged { get; private set; }

    /// <summary>Paths where the two sides held different files and one was kept (outside runs' recorder parts).</summary>
    public List<string> Clashes { get; } = [];

    /// <summary>The merged tree of two root trees.</summary>
    public string Merge(string ours, string theirs) => MergeTrees(ours, theirs, "");

    private string MergeTrees(string ours, string theirs, string path)
    {
        if (ours == theirs)
            return ours;
        var a = git.ReadTree(ours).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var b = git.ReadTree(theirs);
        var edits = new List<TreeEdit>();
        foreach (var entry in b)
        {
            var entryPath = path.Length == 0 ? entry.Name : $"{path}/{entry.Name}";
            if (!a.TryGetValue(entry.Name, out var mine))
            {
                edits.Add(TreeEdit.Of(entry.Name, entry));
                continue;
            }
            if (mine.Id == entry.Id && mine.Kind == entry.Kind)
                continue;
            var merged = MergeEntry(mine, entry, entryPath);
            if (merged.Id != mine.Id || merged.Kind != mine.Kind)
                edits.Add(TreeEdit.Of(entry.Name, merged));
        }
        return edits.Count == 0 ? ours : git.WriteTree(ours, edits);
    }

    private GitTreeEntry MergeEntry(GitTreeEntry mine, GitTreeEntry theirs, string path)
    {
        var parts = path.Split('/');
        // runs/<shard>/<id>: a run's folder, merged by the run rule.
        if (parts.Length == 3 && parts[0] == RunPath.RunsFolder && mine.Kind == GitEntryKind.Tree && theirs.Kind == GitEntryKind.Tree
            && RunPath.IsShardName(parts[1]) && RunId.IsValid(parts[2]))
        {
            RunsMerged++;
            return mine with { Id = MergeRunFolder(parts[1], mine, theirs) };
        }
        if (mine.Kind == GitEntryKind.Tree && theirs.Kind == GitEntryKind.Tree)
            return mine with { Id = MergeTrees(mine.Id, theirs.Id, path) };
        // Two different files at one path: entries are immutable and named by random ids, so this is not ours to
        // meet in practice; keep one, the same one on every machine.
        Clashes.Add(path);
        return string.CompareOrdinal(mine.Id, theirs.Id) >= 0 ? mine : theirs;
    }

    private string MergeRunFolder(string shard, GitTreeEntry ours, GitTreeEntry theirs)
    {
        var winner = Winner(shard, ours, theirs);
        var loser = ReferenceEquals(winner, ours) ? theirs : ours;
        var winnerEntries = git.ReadTree(winner.Id).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var edits = new List<TreeEdit>();
        foreach (var entry in git.ReadTree(loser.Id))
        {
            // The recorder's part (manifest, history) and schema 1's marks come from the winner alone.
            if (entry.Name is RunPath.ManifestFile or RunPath.HistoryFolder or RunPath.LegacyCodeEntry or RunTombstone.FileName)
                continue;
            if (!winnerEntries.TryGetValue(entry.Name, out var mine))
                edits.Add(TreeEdit.Of(entry.Name, entry));
            else if (mine.Id != entry.Id)
            {
                var merged = mine.Kind == GitEntryKind.Tree && entry.Kind == GitEntryKind.Tree
                    ? mine with { Id = MergeTrees(mine.Id, entry.Id, $"{RunPath.RunsFolder}/{shard}/{ours.Name}/{entry.Name}") }
                    : string.CompareOrdinal(mine.Id, entry.Id) >= 0 ? mine : entry;
                if (merged.Id != mine.Id)
                    edits.Add(TreeEdit.Of(entry.Name, merged));
            }
        }
        return edits.Count == 0 ? winner.Id : git.WriteTree(winner.Id, edits);
    }

    /// <summary>The side whose recorder part is kept: the readable one, else the more advanced state, else the larger manifest id.</summary>
    private GitTreeEntry Winner(string shard, GitTreeEntry ours, GitTreeEntry theirs)
    {
        var a = TryRead(shard, ours);
        var b = TryRead(shard, theirs);
        if (a is null || b is null)
            return a is null && b is not null ? theirs : ours;
        var byState = Rank(a.Manifest).CompareTo(Rank(b.Manifest));
        if (byState != 0)
            return byState > 0 ? ours : theirs;
        return string.CompareOrdinal(a.ManifestBlob, b.ManifestBlob) >= 0 ? ours : theirs;
    }

    /// <summary>How far along a recorder's state is: ended beats running, then the revision, then a newer schema.</summary>
    public static (int Ended, int Revision, int Schema) Rank(RunRecord manifest) =>
        (manifest.Status == RunStatus.Running ? 0 : 1, manifest.Revision, manifest.Schema);

    private RunFolder? TryRead(string shard, GitTreeEntry entry)
    {
        try
        {
            return RunReader.ReadFolder(git, shard, entry);
        }
        catch (CorruptDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// The run as two folders would merge: the winner's manifest and history, the union of both sides' edits.
    /// For reading a run that differs between the local branch and a remote-tracking one without writing anything.
    /// </summary>
    public static RunFolder MergeRead(RunFolder ours, RunFolder theirs)
    {
        var byState = Rank(ours.Manifest).CompareTo(Rank(theirs.Manifest));
        var winner = byState > 0 || (byState == 0 && string.CompareOrdinal(ours.ManifestBlob, theirs.ManifestBlob) >= 0) ? ours : theirs;
        var loser = ReferenceEquals(winner, ours) ? theirs : ours;
        var edits = winner.Edits.ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var edit in loser.Edits)
            edits.TryAdd(edit.Id, edit);
        return winner with { Edits = [.. edits.Values] };
    }
}
