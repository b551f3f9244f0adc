using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using LibGit2Sharp;
using NotFoundException = GitTrack.Core.Errors.NotFoundException;

namespace GitTrack.Core.Storage;

/// <summary>
/// The runs recorded in a repository, stored on the orphan runs branch (docs/format.md "Runs branch"). Each
/// <see cref="Create"/> and <see cref="Save"/> is one commit on the branch, built from tree objects without
/// touching HEAD, the index or the work tree, under an exclusive lock so concurrent recorders never lose a run.
/// Reading validates what it reads and derives <see cref="RunStatus.Crashed"/> for runs whose recorder is gone.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private readonly Repository _repository;
    private readonly GitDirectories _directories;
    private readonly CrashDetector _crashDetector;
    // Asked of git once, on a pool thread, the first time a commit needs it (a git process costs milliseconds).
    private readonly Lazy<Task<(string Name, string Email)?>> _identity;

    private RunStore(GitDirectories directories, Repository repository, RunsBranch branch, CrashDetector crashDetector)
    {
        _directories = directories;
        _repository = repository;
        Branch = branch;
        _crashDetector = crashDetector;
        _identity = new(() => Task.Run(() => GitSettings.Identity(directories)));
    }

    /// <summary>The branch runs are committed to.</summary>
    public RunsBranch Branch { get; }

    /// <summary>
    /// What the last listing (<see cref="List"/>, and <see cref="Resolve"/> by name or prefix) left out: entries on the
    /// branch that cannot be read as runs, each with why. Commands show them as warnings.
    /// </summary>
    public IReadOnlyList<UnreadableRun> Skipped { get; private set; } = [];

    public static RunStore Open(GitDirectories directories, CrashDetector? crashDetector = null)
    {
        // git's answer for the branch setting is a process; it runs while libgit2 opens the repository.
        var configured = Task.Run(() => GitSettings.Get(directories, RunsBranch.ConfigKey));
        Repository repository;
        try
        {
            repository = new Repository(directories.GitDir);
        }
        catch (RepositoryNotFoundException e)
        {
            throw new InvalidInputException($"not a git repository: {directories.GitDir} ({e.Message})", "run gittrack inside a git repository");
        }
        try
        {
            var name = configured.GetAwaiter().GetResult();
            var branch = string.IsNullOrWhiteSpace(name) ? RunsBranch.Default : RunsBranch.Parse(name.Trim());
            return new RunStore(directories, repository, branch, crashDetector ?? CrashDetector.ForThisMachine());
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts asking git for the identity commits are signed with, so the first commit does not wait for it (a
    /// recorder calls this as it opens the store; otherwise the first commit asks).
    /// </summary>
    public void PrepareToCommit() => _ = _identity.Value;

    /// <summary>
    /// Commits a new run (its first commit, normally with status running). When <see cref="RunRecord.Name"/> is empty
    /// the next free <c>run_NNN</c> is assigned under the lock; returns the record as stored.
    /// </summary>
    public RunRecord Create(RunRecord run, IReadOnlyList<MetricPoint>? history = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = ParseId(run.Id);
        using var runsLock = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        var tip = ReadTip();
        if (tip?[RunPath.FolderOf(id)] is not null)
            throw new ConflictException($"run {id} already exists on {Branch.Name}", "use a new run id");
        var names = NameCounter.Load(_directories.GitTrackDir, tip?.Sha) ?? CountNames(tip);
        if (string.IsNullOrEmpty(run.Name))
            run = run with { Name = NameCounter.Format(names.Max + 1) };
        Commit(tip, id, run, history ?? [], existingSegments: 0, "started");
        return run;
    }

    /// <summary>
    /// Commits a checkpoint or the end of an existing run: its manifest as given and <paramref name="appendedHistory"/>,
    /// the points logged since the last save, as new history segments (earlier segments are never rewritten).
    /// </summary>
    public void Save(RunRecord run, IReadOnlyList<MetricPoint> appendedHistory)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id = ParseId(run.Id);
        if (string.IsNullOrEmpty(run.Name))
            throw new ArgumentException("a saved run has a name (Create assigns it)", nameof(run));
        using var runsLock = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        var tip = ReadTip();
        if (tip?[RunPath.FolderOf(id)] is not { TargetType: TreeEntryTargetType.Tree } folder)
            throw new NotFoundException($"run {id} is not on {Branch.Name}", "create it first");
        var action = run.Status == RunStatus.Running ? "checkpoint" : ManifestToml.StatusText(run.Status);
        Commit(tip, id, run, appendedHistory, RunReader.SegmentCount((Tree)folder.Target), action);
    }

    private void Commit(Commit? tip, RunId id, RunRecord run, IReadOnlyList<MetricPoint> history, int existingSegments, string action)
    {
        if (run.Status == RunStatus.Crashed)
            throw new ArgumentException("crashed is derived on read and never written", nameof(run));
        var text = ManifestToml.Write(run);
        try
        {
            // What we write must be what we accept on read, so a bad path or id never reaches the branch.
            ManifestToml.Read(text, id.Value);
        }
        catch (CorruptDataException e)
        {
            throw new InvalidInputException($"run {id} cannot be recorded: {e.Message}", "fix the value named above");
        }
        if (_repository.Lookup<Tree>(run.Source.Tree) is not { } code)
            throw new InvalidInputException($"run {id}: code snapshot tree {run.Source.Tree} is not in the repository", "capture it with WorkTreeSnapshot first");

        var database = _repository.ObjectDatabase;
        // TreeDefinition loads only the trees on the paths we add to (root, runs/, the shard, the run), so a
        // commit writes four or five small trees however many runs the branch holds.
        var definition = tip is null ? new TreeDefinition() : TreeDefinition.From(tip);
        var manifestBlob = database.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        definition.Add(RunPath.ManifestOf(id), manifestBlob, Mode.NonExecutableFile);
        definition.Add(RunPath.CodeOf(id), code);
        var segment = existingSegments;
        foreach (var bytes in MetricHistoryCodec.EncodeSegments(history))
        {
            var blob = database.CreateBlob(new MemoryStream(bytes));
            definition.Add($"{RunPath.HistoryOf(id)}/{RunPath.SegmentName(segment++)}", blob, Mode.NonExecutableFile);
        }
        CommitTree(tip, definition, run.Name, $"run {run.Name} ({id.Short}): {action}\n");
    }

    /// <summary>Writes <paramref name="definition"/> as the next commit on the branch; the caller holds RunsLock.</summary>
    private void CommitTree(Commit? tip, TreeDefinition definition, string runName, string message)
    {
        var database = _repository.ObjectDatabase;
        var tree = database.CreateTree(definition);
        var now = DateTimeOffset.Now;
        // The user's own git identity signs the commit, so 'git log gittrack/runs' shows who changed what.
        var signature = _identity.Value.GetAwaiter().GetResult() is var (name, email)
            ? new Signature(name, email, now)
            : new Signature("gittrack", "gittrack@localhost", now);
        var commit = database.CreateCommit(signature, signature, message, tree, tip is null ? [] : [tip], prettifyMessage: false);
        // Safe without compare-and-swap only because every writer holds RunsLock from ReadTip to here.
        UpdateBranch(commit.Id, $"gittrack: {message.TrimEnd()}");

        var names = NameCounter.Load(_directories.GitTrackDir, tip?.Sha) ?? CountNames(tip);
        names.Bump(runName).Save(_directories.GitTrackDir, commit.Sha);
    }

    /// <summary>
    /// Changes a recorded run's manifest (tags, note, name) as one commit whose message says what changed
    /// (<paramref name="action"/>). The change is applied to the manifest as it is at the tip, under the lock, so it
    /// never undoes a concurrent recorder's checkpoint. Returns the run as stored.
    /// </summary>
    public RunRecord Change(string id, Func<RunRecord, RunRecord> change, string action)
    {
        ArgumentNullException.ThrowIfNull(change);
        var runId = ParseId(id);
        using var runsLock = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        var tip = ReadTip();
        if (tip?[RunPath.FolderOf(runId)] is not { } entry)
            throw NotFound(id);
        var before = RunReader.ReadManifest(RunPath.ShardOf(runId), entry);
        var after = change(before);
        if (after.Id != before.Id || after.Status != before.Status)
            throw new ArgumentException("a change keeps the run's id and status", nameof(change));
        if (after.Name != before.Name)
        {
            if (after.Name.Length == 0 || after.Name.Any(char.IsControl) || after.Name.Trim() != after.Name)
                throw new InvalidInputException($"'{after.Name}' is not a usable run name", "give a name without control characters or surrounding spaces");
            if (LoadIndex(tip).Runs.FirstOrDefault(r => r.Name == after.Name && r.Id != before.Id) is { } other)
                throw new InvalidInputException($"the name '{after.Name}' is already used by run {other.Id[..RunId.ShortLength]}",
                    "choose another name, or rename that run first");
        }
        if (ManifestToml.Write(after) == ManifestToml.Write(before))
            return before;
        Commit(tip, runId, after, [], 0, action);
        return after;
    }

    /// <summary>
    /// Hides a run from listings by adding its tombstone (docs/format.md), one commit; the run's data stays on the
    /// branch and <see cref="Restore"/> brings it back. Removing a removed run changes nothing.
    /// </summary>
    public void Remove(string id) => SetTombstone(id, DateTimeOffset.UtcNow);

    /// <summary>Takes a removed run's tombstone away, one commit; restoring a listed run changes nothing.</summary>
    public void Restore(string id) => SetTombstone(id, null);

    private void SetTombstone(string id, DateTimeOffset? deletedAt)
    {
        var runId = ParseId(id);
        using var runsLock = RunsLock.Acquire(_directories.GitTrackDir, LockTimeout);
        var tip = ReadTip();
        if (tip?[RunPath.FolderOf(runId)] is not { TargetType: TreeEntryTargetType.Tree } entry)
            throw NotFound(id);
        var run = RunReader.ReadManifest(RunPath.ShardOf(runId), entry);
        var current = RunTombstone.Read(runId.Value, (Tree)entry.Target);
        if ((current is null) == (deletedAt is null))
            return;
        var definition = TreeDefinition.From(tip);
        var path = $"{RunPath.FolderOf(runId)}/{RunTombstone.FileName}";
        if (deletedAt is { } at)
            definition.Add(path, _repository.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes(RunTombstone.Format(at)))), Mode.NonExecutableFile);
        else
            definition.Remove(path);
        CommitTree(tip, definition, run.Name, $"run {run.Name} ({runId.Short}): {(deletedAt is null ? "restored" : "removed")}\n");
    }

    private void UpdateBranch(ObjectId commit, string logMessage)
    {
        // git itself (gc packing refs, a fetch into the branch) may hold the ref's own .lock for a moment;
        // our commit is already written, so wait a little and try again rather than lose the run.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _repository.Refs.Add(Branch.RefName, commit, logMessage, allowOverwrite: true);
                return;
            }
            catch (LockedFileException) when (attempt < 50)
            {
                Thread.Sleep(20 + Random.Shared.Next(20));
            }
        }
    }

    /// <summary>Every run, newest first, with crashed runs shown as such; removed runs only when <paramref name="includeRemoved"/>.</summary>
    public IReadOnlyList<RunSummary> List(bool includeRemoved = false)
    {
        var tip = ReadTip();
        var index = LoadIndex(tip);
        return index.Runs
            .Where(run => includeRemoved || run.DeletedAt is null)
            .Select(run => run.Status == RunStatus.Running ? run with { Status = _crashDetector.Effective(run.Status, run.Process) } : run)
            .OrderByDescending(run => run.StartedAt)
            .ThenBy(run => run.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The run with exactly this id.</summary>
    public RunRecord Get(string id)
    {
        var runId = ParseId(id);
        var tip = ReadTip();
        var shard = RunPath.ShardOf(runId);
        if (tip?[RunPath.FolderOf(runId)] is not { } entry)
            throw NotFound(id);
        var run = RunReader.ReadManifest(shard, entry);
        return run with { Status = _crashDetector.Effective(run.Status, run.Process) };
    }

    /// <summary>
    /// The run named by an id, a unique id prefix of 4 or more hex digits, or a unique name. A full id finds a removed
    /// run too; prefixes and names match removed runs only when <paramref name="includeRemoved"/> (for restore).
    /// </summary>
    public RunRecord Resolve(string text, bool includeRemoved = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (RunId.IsValid(text) && ReadTip()?[RunPath.FolderOf(RunId.Parse(text))] is not null)
            return Get(text);
        var runs = List(includeRemoved);
        var isPrefix = text.Length >= 4 && RunId.IsValid(text.PadRight(RunId.Length, '0'));
        var matches = runs.Where(r => r.Name == text || (isPrefix && r.Id.StartsWith(text, StringComparison.Ordinal))).ToArray();
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
        if (ReadTip()?[RunPath.FolderOf(runId)] is not { TargetType: TreeEntryTargetType.Tree } entry)
            throw NotFound(id);
        return RunTombstone.Read(runId.Value, (Tree)entry.Target);
    }

    /// <summary>A run's full metric history, in logging order per metric.</summary>
    public IReadOnlyList<MetricPoint> ReadHistory(string id)
    {
        var runId = ParseId(id);
        if (ReadTip()?[RunPath.FolderOf(runId)] is not { TargetType: TreeEntryTargetType.Tree } entry)
            throw NotFound(id);
        return RunReader.ReadHistory(runId.Value, (Tree)entry.Target, _directories.GitDir);
    }

    /// <summary>The commit id at the branch tip, or null when no run was recorded yet.</summary>
    public string? TipId => ReadTip()?.Sha;

    private Commit? ReadTip()
    {
        // Looked up afresh each time: another process may have moved the branch since we last looked.
        var reference = _repository.Refs[Branch.RefName];
        if (reference is null)
            return null;
        return reference.ResolveToDirectReference()?.Target as Commit
            ?? throw new CorruptDataException($"{Branch.RefName} does not point at a commit", "check it with 'git show-ref'");
    }

    private RunIndex LoadIndex(Commit? tip)
    {
        var path = RunIndex.PathIn(_directories.GitTrackDir);
        var index = RunIndex.Load(path);
        if (index.UpdateTo(_repository, tip))
        {
            try
            {
                index.Save(path);
            }
            catch (IOException)
            {
                // The index is only a cache; a read-only repository still lists its runs.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        Skipped = index.Unreadable;
        return index;
    }

    private NameCounter CountNames(Commit? tip)
    {
        var max = LoadIndex(tip).Runs.Select(r => NameCounter.NumberOf(r.Name)).DefaultIfEmpty(0).Max();
        return new NameCounter(max);
    }

    private static RunId ParseId(string id) => RunId.TryParse(id, out var runId) ? runId
        : throw new InvalidInputException($"'{id}' is not a run id (24 lowercase hex digits)", "see 'gittrack ls' for run ids");

    private static NotFoundException NotFound(string text) =>
        new($"no run matches '{text}'", "see 'gittrack ls' for runs");

    public void Dispose() => _repository.Dispose();

    /// <summary>
    /// The highest <c>run_NNN</c> number on the branch at a given tip, kept in <c>gittrack/index/names</c> so that
    /// naming a run costs one small file read instead of a look at every run. Recomputed from the index whenever
    /// the tip it was saved for is not the current tip (someone else moved the branch).
    /// </summary>
    private sealed partial class NameCounter(long max)
    {
        public long Max { get; private set; } = max;

        public static string Format(long number) => $"run_{number:D3}";

        public static long NumberOf(string name)
        {
            var match = NamePattern().Match(name);
            return match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }

        public NameCounter Bump(string name)
        {
            Max = Math.Max(Max, NumberOf(name));
            return this;
        }

        private static string PathIn(string gitTrackDir) => Path.Combine(gitTrackDir, "index", "names");

        public static NameCounter? Load(string gitTrackDir, string? tip)
        {
            try
            {
                var parts = File.ReadAllText(PathIn(gitTrackDir)).Split(' ');
                return parts.Length == 2 && parts[0] == (tip ?? "none") && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
                    ? new NameCounter(max) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        public void Save(string gitTrackDir, string tip)
        {
            var path = PathIn(gitTrackDir);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, FormattableString.Invariant($"{tip} {Max}"));
            File.Move(temp, path, overwrite: true);
        }

        [GeneratedRegex("^run_([0-9]{1,18})$")]
        private static partial Regex NamePattern();
    }
}
