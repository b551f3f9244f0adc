using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

public sealed partial class RunStore
{
    /// <summary>What <see cref="Migrate"/> changed (or would change, on a dry run).</summary>
    public sealed record MigrationReport(int RunsRead, int ManifestsRewritten, int TombstonesToEdits, int CodeEntriesRemoved,
        bool ReadmeAdded, IReadOnlyList<UnreadableRun> Skipped, string? Commit);

    /// <summary>
    /// Converts the local branch's schema 1 runs to schema 2 as one commit, losing nothing: each manifest is rewritten
    /// as schema 2 (revision 1, every value kept), each <c>deleted</c> mark becomes a <c>hidden = true</c> edit at the
    /// same time, and each run's <c>code</c> entry leaves the tree (the snapshot stays reachable through the branch's
    /// history, which keeps it; <c>source.tree</c> still names it). Runs that do not read are left as they are and listed.
    /// Readers accept schema 1 as it is, so migrating is optional: it makes the branch's tree small and cheap to check out.
    /// </summary>
    public MigrationReport Migrate(bool dryRun)
    {
        using var runsLock = Lock();
        var tip = TipOf(Local);
        if (tip is null)
            return new MigrationReport(0, 0, 0, 0, false, [], null);
        var rootTree = _git.ReadCommit(tip).Tree;
        var edits = new List<TreeEdit>();
        var skipped = new List<UnreadableRun>();
        int read = 0, manifests = 0, tombstones = 0, code = 0;
        var readmeAdded = _git.EntryAt(rootTree, ReadmeFile) is null;
        if (readmeAdded)
            edits.Add(TreeEdit.Blob(ReadmeFile, _git.WriteBlob(Encoding.UTF8.GetBytes(ReadmeText))));
        if (_git.EntryAt(rootTree, RunPath.RunsFolder) is { Kind: GitEntryKind.Tree } runs)
        {
            foreach (var shard in _git.ReadTree(runs.Id).Where(s => s.Kind == GitEntryKind.Tree && RunPath.IsShardName(s.Name)))
            {
                foreach (var entry in _git.ReadTree(shard.Id))
                {
                    var path = $"{RunPath.RunsFolder}/{shard.Name}/{entry.Name}";
                    RunFolder folder;
                    try
                    {
                        folder = RunReader.ReadFolder(_git, shard.Name, entry);
                    }
                    catch (CorruptDataException e)
                    {
                        skipped.Add(new UnreadableRun(path, e.Message));
                        continue;
                    }
                    read++;
                    if (folder.Manifest.Schema < RunRecord.SchemaVersion)
                    {
                        var manifest = folder.Manifest with { Revision = Math.Max(1, folder.Manifest.Revision) };
                        edits.Add(TreeEdit.Blob($"{path}/{RunPath.ManifestFile}", _git.WriteBlob(Encoding.UTF8.GetBytes(ManifestToml.Write(manifest)))));
                        manifests++;
                    }
                    if (folder.Entry(RunPath.LegacyCodeEntry) is not null)
                    {
                        edits.Add(TreeEdit.Remove($"{path}/{RunPath.LegacyCodeEntry}"));
                        code++;
                    }
                    if (folder.Tombstone is { } removedAt)
                    {
                        var hide = new RunEdit { Id = RunEdit.NewId(), Clock = folder.NextClock, At = removedAt, Hidden = true };
                        edits.Add(TreeEdit.Remove($"{path}/{RunTombstone.FileName}"));
                        edits.Add(TreeEdit.Blob($"{path}/{RunEdit.Folder}/{hide.FileName}", _git.WriteBlob(Encoding.UTF8.GetBytes(hide.Write()))));
                        tombstones++;
                    }
                }
            }
        }
        string? commit = null;
        if (!dryRun && (manifests > 0 || code > 0 || tombstones > 0 || readmeAdded))
            commit = Commit(tip, [], edits,
                $"gittrack: migrate to schema {RunRecord.SchemaVersion} ({manifests} manifests, {tombstones} marks to edits, {code} code entries out of the tree)\n");
        return new MigrationReport(read, manifests, tombstones, code, readmeAdded, skipped, commit);
    }
}
