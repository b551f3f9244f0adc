using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// The runs recorded in a repository (docs/format.md, "Runs branch"). Reading sees the local runs branch merged with
/// every remote-tracking copy of it (<c>refs/remotes/*/gittrack/runs</c>), so a fresh clone lists the team's runs
/// before any pull, and overlays the local checkpoints of runs being recorded on this machine. Writing commits to the
/// local branch only, built from tree objects without touching HEAD, the index or the work tree, under an exclusive
/// lock. Everything read is validated first; a run whose recorder died is recovered (committed as it last was) the
/// next time a store is opened on that machine.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private readonly GitRepository _git;
    private readonly GitDirectories _directories;
    private readonly CrashDetector _crashDetector;
    private readonly List<string> _warnings = [];
    private bool _committed;

    private RunStore(GitDirectories directories, GitRepository git, RunsBranch branch, CrashDetector crashDetector)
    {
        _directories = directories;
        _git = git;
        Branch = branch;
        _crashDetector = crashDetector;
    }

    /// <summary>The branch runs are committed to.</summary>
    public RunsBranch Branch { get; }

    /// <summary>The repository, through the storage port (for the code diff, checkout and sharing).</summary>
    public GitRepository Git => _git;

    public GitDirectories Directories => _directories;

    /// <summary>
    /// What the last listing (<see cref="List"/>, and <see cref="Resolve"/> by name or prefix) left out: entries on the
    /// branches that cannot be read as runs, each with why. Commands show them as warnings.
    /// </summary>
    public IReadOnlyList<UnreadableRun> Skipped { get; private set; } = [];

    /// <summary>
    /// What the store did by itself that a user should hear of (a run recovered after its recorder died, a branch
    /// reset past a pruned commit); commands print them as warnings. Taken once.
    /// </summary>
    public IReadOnlyList<string> TakeNotices()
    {
        var notices = _warnings.ToArray();
        _warnings.Clear();
        return notices;
    }

    /// <summary>
    /// Opens the store. Unless <paramref name="recover"/> is false, runs recorded on this machine whose recorder is
    /// gone are committed first (as they last were, status <c>crashed</c>, or as they ended when only their final
    /// commit failed).
    /// </summary>
    public static RunStore Open(GitDirectories directories, CrashDetector? crashDetector = null, bool recover = true) =>
        // git's answer for the branch setting is a process; it runs while libgit2 opens the repository.
        Open(directories, Task.Run(() => GitSettings.Get(directories, RunsBranch.ConfigKey)), crashDetector, recover);

    /// <summary>As above, with the branch setting read elsewhere (a recorder reads all its settings in one git process).</summary>
    public static RunStore Open(GitDirectories directories, Task<string?> configured, CrashDetector? crashDetector = null, bool recover = true)
    {
        var git = GitRepository.Open(directories);
        RunStore store;
        try
        {
            var name = configured.GetAwaiter().GetResult();
            var branch = string.IsNullOrWhiteSpace(name) ? RunsBranch.Default : RunsBranch.Parse(name.Trim());
            store = new RunStore(directories, git, branch, crashDetector ?? CrashDetector.ForThisMachine());
        }
        catch
        {
            git.Dispose();
            throw;
        }
        if (recover)
            store.RecoverAbandonedRuns();
        return store;
    }

    /// <summary>Starts asking git for the identity commits are signed with (a recorder calls this as it opens the store).</summary>
    public void PrepareToCommit() => _git.PrepareToCommit();

    /// <summary>As <see cref="PrepareToCommit()"/>, with the identity already known when it is not null.</summary>
    public void PrepareToCommit((string Name, string Email)? identity) => _git.PrepareToCommit(identity);

    // ----- sources: the local branch and its remote-tracking copies -----

    /// <summary>A ref holding runs: the local branch (<see cref="Remote"/> null) or a remote's copy of it.</summary>
    internal sealed record Source(string RefName, string? Remote);

    internal Source Local => new(Branch.RefName, null);

    /// <summary>The local branch first, then each remote-tracking copy (<c>refs/remotes/&lt;remote&gt;/&lt;branch&gt;</c>) by remote name.</summary>
    internal IReadOnlyList<Source> Sources()
    {
        var sources = new List<Source> { Local };
        var suffix = "/" + Branch.Name;
        foreach (var (name, _) in _git.ListRefs("refs/remotes/"))
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            var remote = name["refs/remotes/".Length..^suffix.Length];
            if (remote.Length > 0 && !remote.Contains('/'))
                sources.Add(new Source(name, remote));
        }
        return sources;
    }

    /// <summary>The remote-tracking ref of <paramref name="remote"/>'s runs branch.</summary>
    public string RemoteTrackingRef(string remote) => $"refs/remotes/{remote}/{Branch.Name}";

    /// <summary>The tip of a source, or null when it has no commit. A local tip pruned away is reset from the reflog.</summary>
    internal string? TipOf(Source source)
    {
        try
        {
            return _git.ResolveCommit(source.RefName);
        }
        catch (MissingTipException missing) when (source.Remote is null)
        {
            return RecoverPrunedTip(missing);
        }
        catch (MissingTipException missing)
        {
            _warnings.Add($"{missing.Message}; its runs are left out (run 'gittrack pull {source.Remote}' to fetch it again)");
            return null;
        }
    }

    /// <summary>The local branch's tip (null before the first run).</summary>
    public string? TipId => TipOf(Local);

    /// <summary>
    /// A token that changes whenever what a reader shows may have changed: the local branch, a remote-tracking copy
    /// (a fetch), or a run recording on this machine (its local checkpoint, which is not a commit). The web UI and
    /// <c>gittrack watch</c> poll it to refresh. Cheap: reference reads and a few file stats. Null while there is no
    /// run at all.
    /// </summary>
    public string? Version
    {
        get
        {
            var text = new System.Text.StringBuilder();
            var any = false;
            foreach (var source in Sources())
            {
                var tip = TipOf(source);
                any |= tip is not null;
                text.Append(source.RefName).Append('=').Append(tip).Append('\n');
            }
            var root = ActiveRun.RootIn(_directories.GitTrackDir);
            if (Directory.Exists(root))
                foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
                {
                    any = true;
                    text.Append(Path.GetFileName(folder));
                    foreach (var file in (string[])["checkpoint.toml", "history.bin", "final.toml"])
                    {
                        var info = new FileInfo(Path.Combine(folder, file));
                        text.Append(':').Append(info.Exists ? $"{info.LastWriteTimeUtc.Ticks}/{info.Length}" : "-");
                    }
                    text.Append('\n');
                }
            if (!any)
                return null; // no run anywhere yet
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..40];
        }
    }

    /// <summary>
    /// The branch points at a commit <c>git gc --prune=now</c> removed (it ran while a run was being committed, which
    /// git documents as unsafe). The newest commit in the branch's reflog that is still whole becomes the tip again;
    /// runs changed after it are committed again by their recorders or recovered from their checkpoints. Said as a notice.
    /// </summary>
    private string? RecoverPrunedTip(MissingTipException missing)
    {
        using var runsLock = Lock();
        try
        {
            // Another process may have repaired it meanwhile.
            return _git.ResolveCommit(Branch.RefName);
        }
        catch (MissingTipException)
        {
        }
        foreach (var candidate in _git.ReflogTargets(Branch.RefName))
        {
            if (candidate == missing.Commit || !IsWhole(candidate))
                continue;
            _git.SetRef(Branch.RefName, candidate, $"gittrack: reset past pruned commit {missing.Commit}");
            _warnings.Add($"{Branch.Name} pointed at commit {missing.Commit[..12]}, which is not in the repository (pruned by 'git gc --prune=now'?); "
                + $"it was reset to {candidate[..12]}, the newest whole commit in its reflog");
            return candidate;
        }
        throw missing;
    }

    private bool IsWhole(string commit)
    {
        try
        {
            var tree = _git.ReadCommit(commit).Tree;
            _git.ReadTree(tree);
            return true;
        }
        catch (GitTrackException)
        {
            return false;
        }
    }

    // ----- reading -----

    /// <summary>Every run, newest first, with crashed runs shown as such; removed runs only when <paramref name="includeRemoved"/>.</summary>
    public IReadOnlyList<RunSummary> List(bool includeRemoved = false) => [.. Enumerate(includeRemoved)];

    /// <summary>
    /// As <see cref="List"/>, one run at a time: the order comes from the index's heads, and each summary is read when
    /// it is reached and not kept, so a filter over 100,000 runs holds only the runs it keeps.
    /// </summary>
    public IEnumerable<RunSummary> Enumerate(bool includeRemoved = false)
    {
        var view = Ordered(includeRemoved);
        foreach (var run in view)
            yield return Materialize(run);
    }

    /// <summary>The <paramref name="count"/> newest runs and how many there are in all (the default <c>ls</c> table).</summary>
    public (IReadOnlyList<RunSummary> Newest, int Total) Newest(int count, bool includeRemoved = false)
    {
        var view = Ordered(includeRemoved);
        return ([.. view.Take(Math.Max(0, count)).Select(Materialize)], view.Count);
    }

    /// <summary>
    /// The runs from the <paramref name="offset"/>th newest on, at most <paramref name="count"/>, and how many there are
    /// in all: a page of the default order, reading only that page's summaries.
    /// </summary>
    public (IReadOnlyList<RunSummary> Runs, int Total) Page(int offset, int count, bool includeRemoved = false)
    {
        var view = Ordered(includeRemoved);
        return ([.. view.Skip(Math.Max(0, offset)).Take(Math.Max(0, count)).Select(Materialize)], view.Count);
    }

    /// <summary>The runs started inside <paramref name="id"/> (nested runs), oldest first; removed ones left out.</summary>
    public IReadOnlyList<RunSummary> Children(string id) =>
        [.. View().Values.Where(v => v.Entry.Parent == id && !v.IsRemoved)
            .OrderBy(v => v.StartedTicks).ThenByDescending(v => v.Entry.Id, StringComparer.Ordinal).Select(Materialize)];

    /// <summary>How many runs there are (removed ones only when <paramref name="includeRemoved"/>).</summary>
    public int Count(bool includeRemoved = false) => View().Values.Count(v => includeRemoved || !v.IsRemoved);

    /// <summary>One run of the merged view: its head in the index of the source it was found on, and where it is.</summary>
    private sealed record ViewEntry(RunIndex Index, RunIndex.Entry Entry, string? OnlyOn, RunSummary? Merged)
    {
        public long StartedTicks => Merged?.StartedAt.UtcTicks ?? Entry.StartedTicks;
        public string Name => Merged?.Name ?? Entry.Name;
        public bool IsRemoved => Merged is { } merged ? merged.DeletedAt is not null : Entry.DeletedTicks >= 0;
    }

    private List<ViewEntry> Ordered(bool includeRemoved)
    {
        var view = View().Values.Where(v => includeRemoved || !v.IsRemoved).ToList();
        view.Sort((a, b) =>
        {
            var byTime = b.StartedTicks.CompareTo(a.StartedTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Entry.Id, b.Entry.Id);
        });
        return view;
    }

    private RunSummary Materialize(ViewEntry entry)
    {
        var run = entry.Merged ?? entry.Index.Summary(entry.Entry);
        if (entry.Merged is null && entry.OnlyOn is not null)
            run = run with { OnlyOn = entry.OnlyOn };
        return run.Status == RunStatus.Running ? Live(run) : run;
    }

    /// <summary>Run folders this store's indexes have read from the branches (not from their index files) since it was opened.</summary>
    internal int RunsReadFromBranches => _indexes.Values.Sum(i => i.Index.RunsRead);

    // The indexes of this store's sources, loaded once per store (a command is short-lived; the web UI opens a store per tip).
    private readonly Dictionary<string, (string? Tip, RunIndex Index)> _indexes = new(StringComparer.Ordinal);
    private Dictionary<string, ViewEntry>? _view;
    private string? _viewKey;

    /// <summary>
    /// Every run of every source, merged by id: a run on several sources with different folders is read and merged
    /// as a pull would merge it; a run only on a remote's copy says so (<see cref="RunSummary.OnlyOn"/>). A remote's
    /// copy that the local branch already contains (its tip is the local tip or an ancestor of it, as after a pull)
    /// adds nothing and is not read.
    /// </summary>
    private Dictionary<string, ViewEntry> View()
    {
        var sources = Sources();
        var tips = sources.Select(TipOf).ToArray();
        var key = string.Join(",", tips.Select(t => t ?? "-"));
        if (_view is not null && _viewKey == key)
            return _view;
        var skipped = new List<UnreadableRun>();
        var merged = new Dictionary<string, ViewEntry>(StringComparer.Ordinal);
        var differing = new HashSet<string>(StringComparer.Ordinal);
        var localTip = tips[0];
        RunIndex? localIndex = null;
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            if (source.Remote is not null && tips[i] is { } remoteTip && localTip is not null
                && (remoteTip == localTip || _git.IsAncestor(remoteTip, localTip)))
                continue;
            var index = LoadIndex(source, tips[i], localIndex);
            localIndex ??= index;
            skipped.AddRange(source.Remote is null ? index.Unreadable : index.Unreadable.Select(u => u with { Path = $"{source.Remote}/{u.Path}" }));
            foreach (var entry in index.Entries)
            {
                if (!merged.TryGetValue(entry.Id, out var known))
                    merged[entry.Id] = new ViewEntry(index, entry, source.Remote, null);
                else if (known.Entry.Tree != entry.Tree)
                    differing.Add(entry.Id);
            }
        }
        foreach (var id in differing)
        {
            var folder = ReadFolder(id);
            if (folder is not null)
            {
                var (run, hiddenAt) = folder.Value.Folder.Folded;
                var known = merged[id];
                merged[id] = known with { Merged = RunSummary.Of(run, hiddenAt) with { OnlyOn = known.OnlyOn } };
            }
        }
        Skipped = skipped;
        _view = merged;
        _viewKey = key;
        return merged;
    }

    /// <summary>A running run as this machine knows it: its local checkpoint when it records here, its crash derived.</summary>
    private RunSummary Live(RunSummary run)
    {
        if (run.Process is null || !_crashDetector.IsThisHost(run.Process))
            return run;
        if (ActiveRun.Find(_directories.GitTrackDir, run.Id) is { } active)
        {
            if (!active.IsRecording())
                return run with { Status = RunStatus.Crashed };
            if (active.ReadCheckpoint() is { } checkpoint)
                return RunSummary.Of(checkpoint with { Name = run.Name, Note = run.Note, Tags = MergeTags(checkpoint.Tags, run) }, run.DeletedAt) with { OnlyOn = run.OnlyOn };
            return run;
        }
        return run with { Status = _crashDetector.Effective(run.Status, run.Process) };
    }

    // Tags a checkpoint holds come from the command's events; edits made since the run started win over them.
    private static IReadOnlyDictionary<string, string> MergeTags(IReadOnlyDictionary<string, string> checkpoint, RunSummary branch)
    {
        var tags = new SortedDictionary<string, string>(checkpoint.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in branch.Tags)
            tags[key] = value;
        return tags;
    }

    /// <summary>The run with exactly this id (its edits applied, a running run as its last local checkpoint).</summary>
    public RunRecord Get(string id)
    {
        var runId = ParseId(id);
        var (folder, _) = ReadFolder(runId.Value) ?? throw NotFound(id);
        return LiveRecord(folder);
    }

    private RunRecord LiveRecord(RunFolder folder)
    {
        var (run, _) = folder.Folded;
        if (run.Status != RunStatus.Running || run.Process is null || !_crashDetector.IsThisHost(run.Process))
            return run;
        if (ActiveRun.Find(_directories.GitTrackDir, run.Id) is { } active)
        {
            if (!active.IsRecording())
                return run with { Status = RunStatus.Crashed };
            if (active.ReadCheckpoint() is { } checkpoint)
                return RunEdit.Fold(checkpoint, folder.Tombstone, folder.Edits).Run;
            return run;
        }
        return run with { Status = _crashDetector.Effective(run.Status, run.Process) };
    }

    /// <summary>
    /// A run's folder as every source holds it, merged (the local branch's alone when no remote differs), and the
    /// remote it is only on (null when it is on the local branch); null when no source has it.
    /// </summary>
    internal (RunFolder Folder, string? OnlyOn)? ReadFolder(string id)
    {
        RunFolder? result = null;
        string? onlyOn = null;
        var onLocal = false;
        foreach (var source in Sources())
        {
            if (TipOf(source) is not { } tip)
                continue;
            var entry = _git.EntryAt(_git.ReadCommit(tip).Tree, RunPath.FolderOf(id));
            if (entry is null)
                continue;
            if (result is not null && result.TreeId == entry.Id)
                continue;
            var folder = RunReader.ReadFolder(_git, id[..2], entry);
            if (source.Remote is null)
                onLocal = true;
            else
                onlyOn ??= source.Remote;
            result = result is null ? folder : RunsBranchMerge.MergeRead(result, folder);
        }
        return result is null ? null : (result, onLocal ? null : onlyOn);
    }

    /// <summary>
    /// The run named by an id, a unique id prefix of 4 or more hex digits, or a unique name. A full id finds a removed
    /// run too; prefixes and names match removed runs only when <paramref name="includeRemoved"/> (for restore).
    /// </summary>
    public RunRecord Resolve(string text, bool includeRemoved = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (RunId.IsValid(text) && ReadFolder(text) is { } exact)
            return LiveRecord(exact.Folder);
        var isPrefix = text.Length >= 4 && RunId.IsValid(text.PadRight(RunId.Length, '0'));
        // Names and ids are in the index's heads: no run's summary is read to find one.
        var matches = Ordered(includeRemoved)
            .Where(v => v.Name == text || (isPrefix && v.Entry.Id.StartsWith(text, StringComparison.Ordinal)))
            .Select(Materialize).ToArray();
        return matches.Length switch
        {
            1 => Get(matches[0].Id),
            0 => throw NotFound(text),
            _ => throw new AmbiguousException($"'{text}' matches {matches.Length} runs",
                matches.Select(r => $"{r.Id[..RunId.ShortLength]}  {r.Name}  {r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z").ToArray(),
                "give more digits of the id, or the full id"),
        };
    }

    /// <summary>When <c>gittrack rm</c> removed the run with this id, or null when it is listed.</summary>
    public DateTimeOffset? RemovedAt(string id)
    {
        var runId = ParseId(id);
        var (folder, _) = ReadFolder(runId.Value) ?? throw NotFound(id);
        return folder.Folded.HiddenAt;
    }

    /// <summary>The remote a run is only on (not yet pulled into the local branch), or null when it is local.</summary>
    public string? OnlyOn(string id) => (ReadFolder(ParseId(id).Value) ?? throw NotFound(id)).OnlyOn;

    /// <summary>
    /// A run's full metric history, in logging order per metric: from its local checkpoints while it records here,
    /// else from the branch.
    /// </summary>
    public IReadOnlyList<MetricPoint> ReadHistory(string id)
    {
        var runId = ParseId(id);
        var (folder, _) = ReadFolder(runId.Value) ?? throw NotFound(id);
        if (folder.Manifest.Status == RunStatus.Running && ActiveRun.Find(_directories.GitTrackDir, runId.Value) is { } active
            && File.Exists(active.HistoryPath))
            return active.ReadHistory();
        return RunReader.ReadHistory(_git, folder);
    }

    private RunIndex LoadIndex(Source source) => LoadIndex(source, TipOf(source), null);

    /// <summary>A source's index brought up to <paramref name="tip"/> (kept for the store's life), saved when it changed.</summary>
    private RunIndex LoadIndex(Source source, string? tip, RunIndex? donor)
    {
        if (_indexes.TryGetValue(source.RefName, out var cached) && cached.Tip == tip)
            return cached.Index;
        var path = source.Remote is null ? RunIndex.PathIn(_directories.GitTrackDir) : RunIndex.PathIn(_directories.GitTrackDir, source.Remote);
        var index = cached.Index ?? RunIndex.Load(path);
        _indexes[source.RefName] = (tip, index);
        if (index.UpdateTo(_git, tip, donor))
        {
            try
            {
                index.Save(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The index is only a cache; a read-only repository still lists its runs.
            }
        }
        return index;
    }

    private static RunId ParseId(string id) => RunId.TryParse(id, out var runId) ? runId
        : throw new InvalidInputException($"'{id}' is not a run id (24 lowercase hex digits)", "see 'gittrack ls' for run ids");

    private static Errors.NotFoundException NotFound(string text) =>
        new($"no run matches '{text}'", "see 'gittrack ls' for runs");

    public void Dispose()
    {
        KeepPacked();
        foreach (var (_, index) in _indexes.Values)
            index.Dispose();
        _indexes.Clear();
        _git.Dispose();
    }

    /// <summary>
    /// libgit2 never runs git's automatic gc: when this store has committed since the last call, starts
    /// <c>git gc --auto</c> in the background if git would (<see cref="GitAutoGc"/>). Called on dispose, and by a recorder
    /// once its run is saved (its store lives as long as the process).
    /// </summary>
    public void KeepPacked()
    {
        if (_committed)
        {
            _committed = false;
            string? threshold = null;
            try
            {
                threshold = _git.ConfigValue("gc.auto");
            }
            catch (GitTrackException)
            {
            }
            GitAutoGc.StartIfNeeded(_directories, threshold);
        }
    }
}
