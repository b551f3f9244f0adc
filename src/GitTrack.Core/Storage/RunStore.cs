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

    private RunStore(GitDirectories directories, Repository repository, RunsBranch branch, CrashDetector crashDetector)
    {
        _directories = directories;
        _repository = repository;
        Branch = branch;
        _crashDetector = crashDetector;
    }

    /// <summary>The branch runs are committed to.</summary>
    public RunsBranch Branch { get; }

    public static RunStore Open(GitDirectories directories, CrashDetector? crashDetector = null)
    {
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
            var configured = repository.Config.Get<string>(RunsBranch.ConfigKey)?.Value;
            var branch = string.IsNullOrWhiteSpace(configured) ? RunsBranch.Default : RunsBranch.Parse(configured.Trim());
            return new RunStore(directories, repository, branch, crashDetector ?? CrashDetector.ForThisMachine());
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

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
        var tree = database.CreateTree(definition);
        var now = DateTimeOffset.Now;
        var signature = _repository.Config.BuildSignature(now) ?? new Signature("gittrack", "gittrack@localhost", now);
        var message = $"run {run.Name} ({id.Short}): {action}\n";
        var commit = database.CreateCommit(signature, signature, message, tree, tip is null ? [] : [tip], prettifyMessage: false);
        // Safe without compare-and-swap only because every writer holds RunsLock from ReadTip to here.
        UpdateBranch(commit.Id, $"gittrack: {message.TrimEnd()}");

        var names = NameCounter.Load(_directories.GitTrackDir, tip?.Sha) ?? CountNames(tip);
        names.Bump(run.Name).Save(_directories.GitTrackDir, commit.Sha);
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

    /// <summary>Every run, newest first, with crashed runs shown as such.</summary>
    public IReadOnlyList<RunSummary> List()
    {
        var tip = ReadTip();
        var index = LoadIndex(tip);
        return index.Runs
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

    /// <summary>The run named by an id, a unique id prefix of 4 or more hex digits, or a unique name.</summary>
    public RunRecord Resolve(string text)
    {
        if (RunId.IsValid(text) && ReadTip()?[RunPath.FolderOf(RunId.Parse(text))] is not null)
            return Get(text);
        var runs = List();
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

    /// <summary>A run's full metric history, in logging order per metric.</summary>
    public IReadOnlyList<MetricPoint> ReadHistory(string id)
    {
        var runId = ParseId(id);
        if (ReadTip()?[RunPath.FolderOf(runId)] is not { TargetType: TreeEntryTargetType.Tree } entry)
            throw NotFound(id);
        return RunReader.ReadHistory(runId.Value, (Tree)entry.Target);
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
