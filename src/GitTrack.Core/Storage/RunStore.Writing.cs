using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

public sealed partial class RunStore
{
    /// <summary>The file at the root of the runs branch saying what the branch is, for people browsing it on a git host.</summary>
    internal const string ReadmeFile = "README.md";

    // Never change this text: two clones that each start the branch write it, and identical files merge cleanly.
    internal const string ReadmeText = """
        # GitTrack runs

        This branch holds experiment runs recorded by GitTrack (`gittrack run`): one folder per run under `runs/`,
        each with a `manifest.toml`, its metric history and the edits made since. It shares no history with your code:
        never merge it into another branch. `gittrack pull` and `gittrack push` exchange it with a remote; the format is
        described in GitTrack's docs/format.md.

        """;

    /// <summary>
    /// The branch's first commit: <see cref="ReadmeFile"/> alone, no parent, signed <c>gittrack</c> at a fixed time, so
    /// it is the same commit in every repository. Copies of the branch started on different machines then share a root
    /// and git itself sees them as related (a plain <c>git merge</c> needs no <c>--allow-unrelated-histories</c>).
    /// </summary>
    private string RootCommit()
    {
        var readme = _git.WriteBlob(Encoding.UTF8.GetBytes(ReadmeText));
        return _git.WriteCommit(_git.WriteTree(null, [TreeEdit.Blob(ReadmeFile, readme)]), [], "gittrack: runs branch\n",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), asGittrack: true);
    }

    /// <summary>
    /// Commits a new run. Its first commit (normally with status running, "started") has a second parent: a commit
    /// whose tree is the run's code snapshot, which keeps the snapshot reachable (so it travels with the branch)
    /// without putting it in the branch's tree (so checking the branch out never writes every run's code).
    /// When <see cref="RunRecord.Name"/> is empty the next free <c>run_NNN</c> is assigned under the lock.
    /// A finished record with its whole history (an import) is one commit too. <paramref name="environment"/>, when
    /// given, is the run's package environment, added in the same commit unless the branch has it already.
    /// </summary>
    public RunRecord Create(RunRecord run, IReadOnlyList<MetricPoint>? history = null, Runs.Packages.PackageSet? environment = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = ParseId(run.Id);
        if (!_git.Contains(run.Source.Tree))
            throw new InvalidInputException($"run {id}: code snapshot tree {run.Source.Tree} is not in the repository", "capture it with WorkTreeSnapshot first");
        using var runsLock = Lock();
        var tip = TipOf(Local);
        if (tip is not null && _git.EntryAt(_git.ReadCommit(tip).Tree, RunPath.FolderOf(id)) is not null)
            throw new ConflictException($"run {id} already exists on {Branch.Name}", "use a new run id");
        var names = Names();
        if (string.IsNullOrEmpty(run.Name))
            run = run with { Name = NameCounter.Format(names.Max + 1) };
        run = run with { Revision = Math.Max(1, run.Revision) };
        tip ??= RootCommit();
        var snapshot = _git.WriteCommit(run.Source.Tree, [],
            $"gittrack: code of run {run.Name} ({id.Short}) at {run.Source.Commit[..Math.Min(12, run.Source.Commit.Length)]}\n");
        var edits = new List<TreeEdit> { TreeEdit.Blob(RunPath.ManifestOf(id), ManifestBlob(run, id)) };
        edits.AddRange(HistoryEdits(id, history ?? [], []));
        if (environment is not null && EnvironmentEdit(tip, environment) is { } environmentEdit)
            edits.Add(environmentEdit);
        var what = run.Status == RunStatus.Running ? "started" : ManifestToml.StatusText(run.Status);
        Commit(tip, [snapshot], edits, $"run {run.Name} ({id.Short}): {what}\n");
        // The count stays valid for the new tip: only this run was added.
        names.Bump(run.Name).TrySave(_directories.GitTrackDir, NamesKey());
        return run;
    }

    /// <summary>
    /// Commits a later state of a run this machine records: its manifest as given and its whole metric history,
    /// which replaces the history on the branch (<paramref name="sealedSegments"/>: blobs already written for the
    /// history's first full segments, then <paramref name="tail"/>, the points after them). Used for the run's end,
    /// for <c>--push-every</c> progress, and for recovering a run whose recorder died. The revision written is one more
    /// than the branch's, so the later state wins any merge.
    /// </summary>
    public RunRecord Save(RunRecord run, IReadOnlyList<MetricPoint> tail, IReadOnlyList<string>? sealedSegments = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = ParseId(run.Id);
        if (string.IsNullOrEmpty(run.Name))
            throw new ArgumentException("a saved run has a name (Create assigns it)", nameof(run));
        using var runsLock = Lock();
        var (tip, folder) = LocalFolderLocked(id.Value);
        run = run with { Revision = Math.Max(run.Revision, folder.Manifest.Revision + 1) };
        var edits = new List<TreeEdit>();
        if (folder.Entry(RunPath.HistoryFolder) is not null)
            edits.Add(TreeEdit.Remove(RunPath.HistoryOf(id)));
        edits.Add(TreeEdit.Blob(RunPath.ManifestOf(id), ManifestBlob(run, id)));
        edits.AddRange(HistoryEdits(id, tail, sealedSegments ?? []));
        var what = run.Status switch
        {
            RunStatus.Running => "progress",
            RunStatus.Crashed => "crashed (recovered)",
            _ => ManifestToml.StatusText(run.Status),
        };
        // The name in the message is the one users see now (a rename is an edit the manifest does not hold).
        var shown = folder.Folded.Run.Name;
        var names = NamesAtTip(); // a save adds no run: the count carries over to the new tip (a run's next start reads it)
        Commit(tip, [], edits, $"run {shown} ({id.Short}): {what}\n");
        names?.Bump(run.Name).TrySave(_directories.GitTrackDir, NamesKey());
        return run;
    }

    /// <summary>Writes one history segment as a blob ahead of the commit that will use it (see <see cref="Save"/>).</summary>
    public string WriteSegment(IReadOnlyList<MetricPoint> points) => _git.WriteBlob(MetricHistoryCodec.Encode(points));

    /// <summary>True when the object is in the repository (a blob written ahead may have been pruned since).</summary>
    public bool HasObject(string id) => _git.Contains(id);

    private IEnumerable<TreeEdit> HistoryEdits(RunId id, IReadOnlyList<MetricPoint> tail, IReadOnlyList<string> sealedSegments)
    {
        long number = 0;
        foreach (var blob in sealedSegments)
            yield return TreeEdit.Blob($"{RunPath.HistoryOf(id)}/{RunPath.SegmentName(number++)}", blob);
        foreach (var bytes in MetricHistoryCodec.EncodeSegments(tail))
            yield return TreeEdit.Blob($"{RunPath.HistoryOf(id)}/{RunPath.SegmentName(number++)}", _git.WriteBlob(bytes));
    }

    private string ManifestBlob(RunRecord run, RunId id)
    {
        if (run.Status == RunStatus.Crashed && run.EndedAt is null)
            throw new ArgumentException("a crashed run has an end time", nameof(run));
        var text = ManifestToml.Write(run);
        try
        {
            // What we write must be what we accept on read, so a bad path or id never reaches the branch.
            ManifestToml.Read(text, id.Value);
        }
        catch (CorruptDataException e)
        {
            throw new InvalidInputException($"run {id}: cannot be recorded: {e.Message}", "fix the value named above");
        }
        return _git.WriteBlob(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Changes a run's tags, note or name as one edit (docs/format.md, "Edits"): <paramref name="change"/> gets the run
    /// as users see it now and returns it as it should be; what differs becomes the edit. Never touches the manifest,
    /// so it is never undone by the run's recorder, and it merges with edits made elsewhere. Returns the run as stored.
    /// </summary>
    public RunRecord Change(string id, Func<RunRecord, RunRecord> change, string action)
    {
        ArgumentNullException.ThrowIfNull(change);
        var runId = ParseId(id);
        var (folder, _) = ReadFolder(runId.Value) ?? throw NotFound(id);
        var before = folder.Folded.Run;
        var after = change(before);
        if (after.Id != before.Id || after.Status != before.Status)
            throw new ArgumentException("a change keeps the run's id and status", nameof(change));
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in after.Tags)
            if (!before.Tags.TryGetValue(key, out var old) || old != value)
                set[key] = value;
        var edit = new RunEdit
        {
            Id = RunEdit.NewId(),
            Clock = 1,
            At = DateTimeOffset.UtcNow,
            Name = after.Name != before.Name ? after.Name : null,
            Note = after.Note != before.Note ? after.Note ?? "" : null,
            SetTags = set,
            RemoveTags = [.. before.Tags.Keys.Where(k => !after.Tags.ContainsKey(k))],
        };
        if (edit.IsEmpty)
            return before;
        return Edit(runId.Value, edit, action).Run;
    }

    /// <summary>
    /// Commits <paramref name="edit"/> to a run (its clock and time are set here). A run only on a remote's copy of
    /// the branch is first merged into the local branch (as <c>gittrack pull</c> would, without fetching).
    /// </summary>
    public (RunRecord Run, DateTimeOffset? HiddenAt) Edit(string id, RunEdit edit, string action)
    {
        var runId = ParseId(id);
        foreach (var (key, _) in edit.SetTags)
            if (RunNames.TagKeyProblem(key) is { } problem)
                throw new InvalidInputException($"tag key '{key}' {problem}", "use a key without control characters or surrounding spaces");
        if (edit.Name is { } name)
        {
            if (RunNames.Problem(name) is { } problem)
                throw new InvalidInputException($"'{name}' is not a usable run name: it {problem}", "give a name without control characters or surrounding spaces");
            if (List(includeRemoved: true).FirstOrDefault(r => r.Name == name && r.Id != runId.Value) is { } other)
                throw new InvalidInputException($"the name '{name}' is already used by run {other.Id[..RunId.ShortLength]}",
                    "choose another name, or rename that run first");
        }
        using var runsLock = Lock();
        var (tip, _) = LocalFolderLocked(runId.Value);
        // The clock counts edits from every copy of the branch this machine has seen, so an edit made after seeing
        // another sorts after it even when the two machines' clocks disagree.
        var (seen, _) = ReadFolder(runId.Value) ?? throw NotFound(id);
        edit = edit with { Clock = seen.NextClock, At = edit.At == default ? DateTimeOffset.UtcNow : edit.At };
        var blob = _git.WriteBlob(Encoding.UTF8.GetBytes(edit.Write()));
        var result = RunEdit.Fold(seen.Manifest, seen.Tombstone, [.. seen.Edits, edit]);
        var names = edit.Name is null ? NamesAtTip() : null; // a rename may free the highest name: recounted then
        Commit(tip, [], [TreeEdit.Blob(RunPath.EditOf(runId, edit), blob)], $"run {result.Run.Name} ({runId.Short}): {action}\n");
        names?.TrySave(_directories.GitTrackDir, NamesKey());
        return result;
    }

    /// <summary>
    /// Hides a run from listings: an edit with <c>hidden = true</c>, one commit; the run's data stays on the branch and
    /// <see cref="Restore"/> brings it back. Removing a removed run changes nothing.
    /// </summary>
    public void Remove(string id) => SetHidden(id, true, "removed");

    /// <summary>Shows a removed run again, one commit; restoring a listed run changes nothing.</summary>
    public void Restore(string id) => SetHidden(id, false, "restored");

    private void SetHidden(string id, bool hidden, string action)
    {
        var (folder, _) = ReadFolder(ParseId(id).Value) ?? throw NotFound(id);
        if ((folder.Folded.HiddenAt is not null) == hidden)
            return;
        Edit(id, new RunEdit { Id = RunEdit.NewId(), Clock = 1, At = DateTimeOffset.UtcNow, Hidden = hidden }, action);
    }

    /// <summary>
    /// The local tip and the run's folder on it; a run only on a remote's copy is merged in first. The caller holds
    /// the runs lock.
    /// </summary>
    private (string Tip, RunFolder Folder) LocalFolderLocked(string id)
    {
        var tip = TipOf(Local);
        var entry = tip is null ? null : _git.EntryAt(_git.ReadCommit(tip).Tree, RunPath.FolderOf(id));
        if (entry is null)
        {
            foreach (var source in Sources().Where(s => s.Remote is not null))
            {
                if (TipOf(source) is not { } remoteTip || _git.EntryAt(_git.ReadCommit(remoteTip).Tree, RunPath.FolderOf(id)) is null)
                    continue;
                MergeLocked(source);
                tip = TipOf(Local)!;
                entry = _git.EntryAt(_git.ReadCommit(tip).Tree, RunPath.FolderOf(id));
                break;
            }
        }
        if (tip is null || entry is null)
            throw new Errors.NotFoundException($"run {id} is not on {Branch.Name}", "create it first");
        return (tip, RunReader.ReadFolder(_git, id[..2], entry));
    }

    /// <summary>Writes the next commit on the local branch: the tip's tree with <paramref name="edits"/>; the caller holds the lock.</summary>
    private string Commit(string? tip, IReadOnlyList<string> extraParents, IReadOnlyList<TreeEdit> edits, string message)
    {
        var baseTree = tip is null ? null : _git.ReadCommit(tip).Tree;
        var tree = _git.WriteTree(baseTree, edits);
        IReadOnlyList<string> parents = tip is null ? [.. extraParents] : [tip, .. extraParents];
        var commit = _git.WriteCommit(tree, parents, message);
        // Safe without compare-and-swap only because every writer holds RunsLock from reading the tip to here.
        _git.SetRef(Branch.RefName, commit, $"gittrack: {message.TrimEnd()}");
        _committed = true;
        return commit;
    }

    // ----- merging copies of the branch -----

    /// <summary>What merging a remote's copy of the branch into the local one did.</summary>
    public sealed record MergeOutcome(string Kind, int NewRuns, int MergedRuns, IReadOnlyList<string> Clashes);

    /// <summary>
    /// Merges <paramref name="remote"/>'s remote-tracking copy of the runs branch into the local branch (no fetch):
    /// fast-forward when the local branch has nothing of its own, else a merge commit whose tree holds everything both
    /// had (<see cref="RunsBranchMerge"/>). Never conflicts.
    /// </summary>
    public MergeOutcome Merge(string remote)
    {
        using var runsLock = Lock();
        return MergeLocked(new Source(RemoteTrackingRef(remote), remote));
    }

    /// <summary>
    /// How many run folders <paramref name="theirs"/> has that <paramref name="ours"/> lacks, from the trees alone (shards
    /// with equal tree ids are skipped; no manifest is read).
    /// </summary>
    private int NewRunIds(string? ours, string theirs)
    {
        IReadOnlyList<GitTreeEntry> Shards(string? commit) =>
            commit is not null && _git.EntryAt(_git.ReadCommit(commit).Tree, RunPath.RunsFolder) is { Kind: GitEntryKind.Tree } runs ? _git.ReadTree(runs.Id) : [];
        var ourShards = Shards(ours).ToDictionary(e => e.Name, e => e, StringComparer.Ordinal);
        var count = 0;
        foreach (var shard in Shards(theirs))
        {
            if (shard.Kind != GitEntryKind.Tree || !RunPath.IsShardName(shard.Name))
                continue;
            var mine = ourShards.GetValueOrDefault(shard.Name);
            if (mine?.Id == shard.Id)
                continue;
            var ids = mine is { Kind: GitEntryKind.Tree } ? _git.ReadTree(mine.Id).Select(e => e.Name).ToHashSet(StringComparer.Ordinal) : [];
            count += _git.ReadTree(shard.Id).Count(e => RunId.IsValid(e.Name) && !ids.Contains(e.Name));
        }
        return count;
    }

    private MergeOutcome MergeLocked(Source source)
    {
        var theirs = TipOf(source);
        if (theirs is null)
            return new MergeOutcome("nothing to merge", 0, 0, []);
        var ours = TipOf(Local);
        if (ours == theirs || (ours is not null && _git.IsAncestor(theirs, ours)))
            return new MergeOutcome("up to date", 0, 0, []);
        var newRuns = NewRunIds(ours, theirs);
        if (ours is null || _git.IsAncestor(ours, theirs))
        {
            _git.SetRef(Branch.RefName, theirs, $"gittrack: fast-forward to {source.RefName}");
            return new MergeOutcome("fast-forward", newRuns, 0, []);
        }
        var merge = new RunsBranchMerge(_git);
        var tree = merge.Merge(_git.ReadCommit(ours).Tree, _git.ReadCommit(theirs).Tree);
        var commit = _git.WriteCommit(tree, [ours, theirs], $"gittrack: merge runs from {source.Remote}\n");
        _git.SetRef(Branch.RefName, commit, $"gittrack: merge {source.RefName}");
        return new MergeOutcome("merged", newRuns, merge.RunsMerged, merge.Clashes);
    }

    // ----- recovery of runs whose recorder died -----

    /// <summary>
    /// Commits every run recorded on this machine whose recorder is gone (its folder under <c>active/</c> is no longer
    /// locked): as it ended when only its final commit had failed, else as it was at its last checkpoint, with status
    /// <c>crashed</c> and its captured output as its log. Each becomes a notice (<see cref="TakeNotices"/>).
    /// </summary>
    public void RecoverAbandonedRuns()
    {
        var root = ActiveRun.RootIn(_directories.GitTrackDir);
        if (!Directory.Exists(root))
            return;
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith(".new-", StringComparison.Ordinal))
            {
                // A folder a recorder was still setting up when it died: it holds nothing worth keeping.
                if (Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1) && ActiveRun.TryClaim(folder) is { } stale)
                {
                    stale.Dispose();
                    try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
                }
                continue;
            }
            if (!RunId.IsValid(name) || ActiveRun.TryClaim(folder) is not { } active)
                continue;
            try
            {
                Recover(active);
            }
            catch (Exception e) when (e is GitTrackException or IOException or UnauthorizedAccessException)
            {
                _warnings.Add($"could not recover run {name[..RunId.ShortLength]}, whose recorder is gone: {e.Message} (its files stay in {folder})");
                active.Dispose();
            }
        }
    }

    private void Recover(ActiveRun active)
    {
        var final = active.ReadFinal();
        var onBranch = ReadFolder(active.Id)?.Folder;
        var record = final ?? active.ReadCheckpoint() ?? onBranch?.Manifest;
        if (record is null || (onBranch is not null && onBranch.Manifest.Status != RunStatus.Running && final is null))
        {
            // Nothing recorded to save, or the run already ended on the branch: the folder is only leftovers.
            active.Delete();
            return;
        }
        if (final is null)
            record = record with
            {
                Status = RunStatus.Crashed,
                EndedAt = active.LastWrite() ?? DateTimeOffset.UtcNow,
                Error = "gittrack stopped recording (killed, or the machine went down); recorded from its last checkpoint",
            };
        if (record.Log is null && RunSession.StoreLog(ArtifactCache.Open(_directories), active.LogPath, _warnings.Add) is { } log)
            record = record with { Log = log };
        var history = active.ReadHistory();
        if (onBranch is null)
            Create(record, history);
        else
            Save(record, history);
        active.Delete();
        _warnings.Add($"run {record.Name} ({record.Id[..RunId.ShortLength]}) was left {(final is null ? "running by a gittrack that is gone" : "unsaved")}; "
            + $"recorded it as {ManifestToml.StatusText(record.Status)}{(final is null ? " from its last checkpoint" : "")}");
    }

    // ----- the lock -----

    private bool _locked;

    /// <summary>
    /// Takes the runs lock (<see cref="RunsLock"/>) for a read-tip/build/commit/update, or nothing when this store
    /// already holds it (a merge done inside an edit, a pruned tip repaired while committing).
    /// </summary>
    private IDisposable Lock()
    {
        if (_locked)
            return NoLock.Instance;
        var held = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        _locked = true;
        return new Held(this, held);
    }

    private sealed class NoLock : IDisposable
    {
        public static NoLock Instance { get; } = new();
        public void Dispose() { }
    }

    private sealed class Held(RunStore store, IDisposable runsLock) : IDisposable
    {
        public void Dispose()
        {
            store._locked = false;
            runsLock.Dispose();
        }
    }

    // ----- names -----

    /// <summary>The highest run_NNN in use, from a small cache file keyed by the tips it was counted at.</summary>
    private string NamesKey() => string.Join(",", Sources().Select(s => TipOf(s) ?? "none"));

    /// <summary>The name count valid at the tips as they are now, or null when it would have to be recounted.</summary>
    private NameCounter? NamesAtTip() => NameCounter.Load(_directories.GitTrackDir, NamesKey());

    private NameCounter Names()
    {
        var key = NamesKey();
        var names = NameCounter.Load(_directories.GitTrackDir, key);
        if (names is null)
        {
            names = new NameCounter(View().Values.Select(r => NameCounter.NumberOf(r.Name)).DefaultIfEmpty(0).Max());
            try { names.Save(_directories.GitTrackDir, key); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return names;
    }

    /// <summary>
    /// The highest <c>run_NNN</c> number on the branches, kept in <c>gittrack/index/names</c> so that naming a run
    /// costs one small file read instead of a look at every run. Recounted whenever a tip moved.
    /// </summary>
    private sealed partial class NameCounter(long max)
    {
        public long Max { get; private set; } = max;

        public NameCounter Bump(string name)
        {
            Max = Math.Max(Max, NumberOf(name));
            return this;
        }

        public static string Format(long number) => $"run_{number:D3}";

        public static long NumberOf(string name)
        {
            var match = NamePattern().Match(name);
            return match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }

        private static string PathIn(string gitTrackDir) => Path.Combine(gitTrackDir, "index", "names");

        public static NameCounter? Load(string gitTrackDir, string key)
        {
            try
            {
                var parts = File.ReadAllText(PathIn(gitTrackDir)).Split(' ');
                return parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
                    ? new NameCounter(max) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        public void Save(string gitTrackDir, string key)
        {
            var path = PathIn(gitTrackDir);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, FormattableString.Invariant($"{key} {Max}"));
            File.Move(temp, path, overwrite: true);
        }

        public void TrySave(string gitTrackDir, string key)
        {
            try { Save(gitTrackDir, key); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        [GeneratedRegex("^run_([0-9]{1,18})$")]
        private static partial Regex NamePattern();
    }
}
