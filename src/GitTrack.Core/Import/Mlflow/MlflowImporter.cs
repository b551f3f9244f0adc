using System.Globalization;
using System.Text.RegularExpressions;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Import.Mlflow.Internal;
using GitTrack.Core.Mlflow;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Import.Mlflow;

/// <summary>
/// Imports an MLflow file store (<c>mlruns/</c>, as MLflow 1.x, 2.x and 3.x write it) as GitTrack runs, by the
/// mapping in docs/mlflow.md. Everything in the store is untrusted: links are never followed, only regular files are
/// read, every read is bounded, and each bad piece (a folder, a file, a line) is reported and skipped while the rest
/// is imported. A run keeps its MLflow id in its manifest's <c>[origin]</c> and gets an id derived from it, so a
/// second import recognises it and imports only the runs the store gained.
/// </summary>
public sealed partial class MlflowImporter
{
    private const int MaxValueBytes = 1 << 20;
    private const string TrashFolder = ".trash";
    private static readonly string[] ReservedExperimentFolders = ["tags", "datasets", "traces", "models"];
    private static readonly string[] SecretUrlTags = ["mlflow.source.git.repoURL", "mlflow.gitRepoURL"];
    private const string UnknownCommit = "0000000000000000000000000000000000000000";

    private readonly GitDirectories _directories;
    private readonly MlflowImportOptions _options;
    private readonly string _root;
    private readonly MlflowImportSummary _summary;
    private readonly Dictionary<string, string?> _trees = new(StringComparer.Ordinal);
    private string? _emptyTree;

    private MlflowImporter(GitDirectories directories, MlflowImportOptions options, string root)
    {
        _directories = directories;
        _options = options;
        _root = root;
        _summary = new MlflowImportSummary { Store = root, DryRun = options.DryRun };
    }

    /// <summary>Imports the store named in <paramref name="options"/> into the repository's runs branch.</summary>
    public static MlflowImportSummary Import(GitDirectories directories, MlflowImportOptions options)
    {
        var root = Path.GetFullPath(options.StorePath);
        if (!Directory.Exists(root))
            throw new InvalidInputException($"no such folder: {root}", "give the MLflow store folder, usually mlruns/");
        // The folder the user named may itself be a link; nothing below it is followed.
        if (new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            root = target.FullName;
        var importer = new MlflowImporter(directories, options, root);
        importer.Run();
        return importer._summary;
    }

    private sealed record Experiment(string Id, string Name, string Folder, bool Deleted);

    private sealed record RunFolder(Experiment Experiment, string MlflowId, string Folder, MetaYaml Meta, DateTimeOffset StartedAt)
    {
        public string Id { get; } = MlflowValues.ImportedRunId(MlflowId, StartedAt);
        public bool Deleted => Experiment.Deleted || Meta["lifecycle_stage"] == "deleted";
    }

    private void Run()
    {
        var experiments = FindExperiments();
        if (experiments.Count == 0)
            throw new InvalidInputException($"no MLflow experiment in {_root} (an MLflow file store holds <experiment id>/meta.yaml)",
                Directory.Exists(Path.Combine(_root, "mlruns")) ? $"did you mean {Path.Combine(_root, "mlruns")}?" : "give the mlruns/ folder");
        var selected = experiments;
        if (_options.Experiments.Count > 0)
        {
            foreach (var wanted in _options.Experiments)
                if (!experiments.Any(e => e.Name == wanted || e.Id == wanted))
                    throw new InvalidInputException($"no experiment named '{wanted}' in {_root}",
                        "experiments here: " + string.Join(", ", experiments.Select(e => e.Name).Distinct().Order(StringComparer.Ordinal)));
            selected = [.. experiments.Where(e => _options.Experiments.Contains(e.Name) || _options.Experiments.Contains(e.Id))];
        }
        // Every run's meta first, of every experiment: a nested run's parent may live in an experiment not imported.
        var all = experiments.SelectMany(e => FindRuns(e, report: selected.Contains(e))).ToList();
        var byMlflowId = new Dictionary<string, RunFolder>(StringComparer.Ordinal);
        foreach (var run in all)
            byMlflowId.TryAdd(run.MlflowId, run);
        var runs = all.Where(r => selected.Contains(r.Experiment)).OrderBy(r => r.StartedAt).ThenBy(r => r.MlflowId, StringComparer.Ordinal).ToList();
        _summary.Experiments = selected.Count;
        _summary.RunsFound = runs.Count;

        using var store = RunStore.Open(_directories);
        var cache = _options.DryRun ? null : ArtifactCache.Open(_directories);
        var importing = new HashSet<string>(StringComparer.Ordinal);
        var toImport = new List<RunFolder>();
        foreach (var run in runs)
        {
            if (run.Deleted && _options.SkipDeleted)
            {
                _summary.SkippedDeleted++;
                continue;
            }
            switch (Existing(store, run))
            {
                case Presence.Imported:
                    _summary.AlreadyImported++;
                    continue;
                case Presence.Taken:
                    continue;
            }
            toImport.Add(run);
            importing.Add(run.Id);
        }
        foreach (var run in toImport)
        {
            try
            {
                ImportRun(store, cache, run, parentId =>
                    byMlflowId.TryGetValue(parentId, out var parent) && (importing.Contains(parent.Id) || Existing(store, parent) == Presence.Imported)
                        ? parent.Id : null);
            }
            catch (GitTrackException e)
            {
                Problem(run.Folder, $"not imported: {e.Message}");
            }
        }
    }

    private enum Presence { Absent, Imported, Taken }

    private Presence Existing(RunStore store, RunFolder run)
    {
        try
        {
            var existing = store.Get(run.Id);
            if (existing.Origin == new RunOrigin("mlflow", run.MlflowId))
                return Presence.Imported;
            Problem(run.Folder, $"not imported: its GitTrack id {run.Id} is taken by run {existing.Name}, which did not come from this MLflow run");
            return Presence.Taken;
        }
        catch (NotFoundException)
        {
            return Presence.Absent;
        }
        catch (CorruptDataException e)
        {
            Problem(run.Folder, $"not imported: its GitTrack id {run.Id} is taken by an unreadable entry ({e.Message})");
            return Presence.Taken;
        }
    }

    private List<Experiment> FindExperiments()
    {
        var found = new List<Experiment>();
        foreach (var (folder, deleted) in ExperimentFolders())
        {
            var meta = ReadMeta(folder, "experiment");
            if (meta is null)
                continue;
            var name = Path.GetFileName(folder);
            var id = meta["experiment_id"];
            if (id != name)
            {
                Problem(folder, id is null ? "experiment meta.yaml has no experiment_id: skipped" : $"experiment_id '{id}' differs from its folder name: skipped (as MLflow does)");
                continue;
            }
            if (meta["name"] is not { Length: > 0 } experimentName)
            {
                Problem(folder, "experiment meta.yaml has no name: skipped");
                continue;
            }
            if (deleted && found.Any(e => e.Id == id))
            {
                Problem(folder, $"experiment {id} is also outside .trash: this copy skipped (MLflow reads the other)");
                continue;
            }
            // An experiment under .trash is deleted whatever its meta.yaml says (older MLflow only moved the folder).
            found.Add(new Experiment(id, experimentName, folder, deleted || meta["lifecycle_stage"] == "deleted"));
        }
        return found;
    }

    private IEnumerable<(string Folder, bool Deleted)> ExperimentFolders()
    {
        foreach (var entry in StoreFiles.List(_root))
        {
            if (entry.Name == TrashFolder || entry.Name == "models")
                continue;
            if (Entry(entry, "not an experiment folder") == StoreFiles.Kind.Folder)
                yield return (entry.FullName, false);
        }
        var trash = Path.Combine(_root, TrashFolder);
        switch (StoreFiles.KindOf(trash))
        {
            case StoreFiles.Kind.Folder:
                foreach (var entry in StoreFiles.List(trash))
                    if (Entry(entry, "not an experiment folder") == StoreFiles.Kind.Folder)
                        yield return (entry.FullName, true);
                break;
            case StoreFiles.Kind.Missing:
                break;
            default:
                Problem(trash, "not a folder: not followed");
                break;
        }
    }

    /// <summary>The kind of a folder entry; links and special files are reported (never followed or opened).</summary>
    private StoreFiles.Kind Entry(FileSystemInfo entry, string whatIfFile)
    {
        var kind = StoreFiles.KindOf(entry);
        switch (kind)
        {
            case StoreFiles.Kind.Link:
                Problem(entry.FullName, "symbolic link: not followed");
                break;
            case StoreFiles.Kind.Other:
                Problem(entry.FullName, "not a regular file or folder: not read");
                break;
            case StoreFiles.Kind.File when whatIfFile.Length > 0:
                Problem(entry.FullName, $"{whatIfFile}: ignored");
                break;
        }
        return kind;
    }

    private IEnumerable<RunFolder> FindRuns(Experiment experiment, bool report)
    {
        foreach (var entry in StoreFiles.List(experiment.Folder))
        {
            if (entry.Name == "meta.yaml" || ReservedExperimentFolders.Contains(entry.Name))
                continue;
            var kind = report ? Entry(entry, "not a run folder") : StoreFiles.KindOf(entry);
            if (kind != StoreFiles.Kind.Folder)
                continue;
            var metaPath = Path.Combine(entry.FullName, "meta.yaml");
            if (StoreFiles.KindOf(metaPath) == StoreFiles.Kind.Missing)
            {
                if (report)
                    Problem(entry.FullName, "not a run (no meta.yaml): skipped");
                continue;
            }
            var meta = report ? ReadMeta(entry.FullName, "run") : ReadMetaQuietly(entry.FullName);
            if (meta is null)
                continue;
            var runId = meta["run_id"] ?? meta["run_uuid"];
            string? why = null;
            if (runId is null)
                why = "run meta.yaml has no run_id";
            else if (runId != entry.Name)
                why = $"run_id '{runId}' differs from its folder name";
            else if (!RunIdPattern().IsMatch(runId))
                why = $"run_id '{runId}' is not an MLflow run id";
            else if (meta["experiment_id"] != experiment.Id)
                why = $"experiment_id '{meta["experiment_id"]}' is not its experiment's ({experiment.Id})";
            else if (!TryMilliseconds(meta["start_time"], out var started))
                why = "start_time is missing or not a time in milliseconds";
            else
            {
                yield return new RunFolder(experiment, runId, entry.FullName, meta, started);
                continue;
            }
            if (report)
                Problem(entry.FullName, $"{why}: skipped");
        }
    }

    private MetaYaml? ReadMeta(string folder, string what)
    {
        var path = Path.Combine(folder, "meta.yaml");
        var kind = StoreFiles.KindOf(path);
        if (kind != StoreFiles.Kind.File)
        {
            Problem(folder, kind switch
            {
                StoreFiles.Kind.Missing => $"no meta.yaml: {what} skipped",
                StoreFiles.Kind.Link => "meta.yaml is a symbolic link: not followed, skipped",
                _ => "meta.yaml is not a regular file: skipped",
            });
            return null;
        }
        var text = StoreFiles.ReadText(path, MetaYaml.MaxBytes, out var problem);
        var meta = text is null ? null : MetaYaml.Parse(text, out problem);
        if (meta is null)
            Problem(path, $"{problem}: {what} skipped");
        return meta;
    }

    private static MetaYaml? ReadMetaQuietly(string folder)
    {
        var path = Path.Combine(folder, "meta.yaml");
        if (StoreFiles.KindOf(path) != StoreFiles.Kind.File)
            return null;
        var text = StoreFiles.ReadText(path, MetaYaml.MaxBytes, out _);
        return text is null ? null : MetaYaml.Parse(text, out _);
    }

    private void ImportRun(RunStore store, ArtifactCache? cache, RunFolder run, Func<string, string?> parentOf)
    {
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in ReadValues(run.Folder, "params"))
            parameters[key] = MlflowValues.TypeParam(value);
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ReadValues(run.Folder, "tags"))
            tags[key] = SecretUrlTags.Contains(key) ? UrlCredentials.Strip(value) : value;
        tags[MlflowValues.ExperimentTag] = run.Experiment.Name;

        var history = new List<MetricPoint>();
        var latest = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, path) in Files(run.Folder, "metrics"))
        {
            var points = MetricFileReader.Read(path, key, _options.MaxPointsPerRun - history.Count,
                (line, reason) => Problem(path, $"line {line}: {reason}: skipped"), out var truncated);
            if (truncated)
                Problem(path, $"more than {_options.MaxPointsPerRun:N0} metric points in the run: the rest skipped");
            if (points.Count == 0)
                continue;
            history.AddRange(points);
            // MLflow's latest value: the greatest (step, timestamp, value), as its UI shows it.
            var best = points[0];
            foreach (var p in points)
                if (Later(p, best))
                    best = p;
            latest[key] = best.Value;
        }

        var artifacts = new List<ArtifactEntry>();
        long artifactBytes = 0;
        foreach (var (relative, path) in Files(run.Folder, "artifacts"))
        {
            if (!IsSafeArtifactPath(relative))
            {
                Problem(path, "artifact path cannot be stored (it holds ':', '\\' or a control character): skipped");
                continue;
            }
            var size = new FileInfo(path).Length;
            if (cache is not null)
            {
                try
                {
                    artifacts.Add(new ArtifactEntry(relative, cache.AddFile(path), new FileInfo(path).Length));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Problem(path, $"cannot be read: {e.Message}: skipped");
                    continue;
                }
            }
            else
                artifacts.Add(new ArtifactEntry(relative, default, size));
            artifactBytes += size;
        }

        var (status, error) = run.Meta["status"] switch
        {
            "3" or "FINISHED" => (RunStatus.Completed, (string?)null),
            "4" or "FAILED" => (RunStatus.Failed, null),
            "5" or "KILLED" => (RunStatus.Killed, null),
            var other => (RunStatus.Failed, $"imported from MLflow with status {(int.TryParse(other, out var n) ? MlflowValues.StatusName(n) : other ?? "RUNNING")}: the run was never ended"),
        };
        DateTimeOffset? endedAt = TryMilliseconds(run.Meta["end_time"], out var ended) ? ended : null;
        if (status == RunStatus.Failed && error is not null && endedAt is null)
            endedAt = history.Count > 0 ? history.Max(p => p.Timestamp!.Value) : run.StartedAt;
        endedAt ??= run.StartedAt;

        var name = run.Meta["run_name"] is { Length: > 0 } runName ? runName
            : tags.TryGetValue(MlflowValues.RunNameTag, out var tagName) && tagName.Length > 0 ? tagName
            : run.Meta["name"] ?? "";
        if (name.Any(char.IsControl) || name.Trim() != name)
        {
            Problem(run.Folder, "run name has control characters or surrounding spaces: given the next run_NNN name (the MLflow name stays in tag mlflow.runName)");
            name = "";
        }
        string? parent = tags.TryGetValue(MlflowValues.ParentTag, out var parentMlflowId) ? parentOf(parentMlflowId) : null;

        var record = new RunRecord
        {
            Id = run.Id,
            Name = name,
            Status = status,
            Error = error,
            StartedAt = run.StartedAt,
            EndedAt = endedAt,
            Command = [],
            Note = tags.TryGetValue(MlflowValues.NoteTag, out var note) && note.Length > 0 ? note : null,
            Parent = parent,
            Source = Source(tags),
            Params = parameters,
            Metrics = latest,
            Tags = tags,
            Artifacts = artifacts,
            Origin = new RunOrigin("mlflow", run.MlflowId),
        };
        string storedName = name;
        if (!_options.DryRun)
            storedName = AddFinishedRun(store, record, history, hidden: run.Deleted).Name;
        _summary.Imported++;
        if (parent is not null)
            _summary.Nested++;
        if (run.Deleted)
            _summary.Hidden++;
        _summary.Params += parameters.Count;
        _summary.Tags += tags.Count;
        _summary.MetricPoints += history.Count;
        _summary.Artifacts += artifacts.Count;
        _summary.ArtifactBytes += artifactBytes;
        _summary.Runs.Add((run.MlflowId, run.Id, storedName));
        _options.Progress?.Invoke($"{run.MlflowId} -> {storedName} ({run.Id[..RunId.ShortLength]})");
    }

    /// <summary>
    /// Writes one finished run with its whole history as one commit, then, when it was deleted in MLflow, hides it
    /// (an edit, as <c>gittrack rm</c> makes).
    /// </summary>
    private static RunRecord AddFinishedRun(RunStore store, RunRecord run, IReadOnlyList<MetricPoint> history, bool hidden)
    {
        var stored = store.Create(run, history);
        if (hidden)
            store.Remove(run.Id);
        return stored;
    }

    private static bool Later(MetricPoint a, MetricPoint b)
    {
        if (a.Step != b.Step)
            return a.Step > b.Step;
        if (a.Timestamp != b.Timestamp)
            return a.Timestamp > b.Timestamp;
        return a.Value > b.Value || (double.IsNaN(b.Value) && !double.IsNaN(a.Value));
    }

    private SourceInfo Source(IReadOnlyDictionary<string, string> tags)
    {
        var commit = UnknownCommit;
        string? tree = null;
        if (tags.TryGetValue(MlflowValues.GitCommitTag, out var given) && given.Length is 40 or 64 && given.All(char.IsAsciiHexDigit))
        {
            commit = given.ToLowerInvariant();
            tree = TreeOf(commit);
        }
        tree ??= _emptyTree ??= GitRepository.WriteEmptyTree(_directories);
        return new SourceInfo
        {
            Commit = commit,
            Branch = tags.TryGetValue("mlflow.source.git.branch", out var branch) && branch.Length > 0 && !branch.Any(char.IsControl) ? branch : null,
            Remote = tags.TryGetValue("mlflow.source.git.repoURL", out var remote) && remote.Length > 0 ? remote : null,
            Tree = tree,
        };
    }

    /// <summary>The tree of a commit in this repository, or null when the repository does not have it.</summary>
    private string? TreeOf(string commit)
    {
        if (!_trees.TryGetValue(commit, out var tree))
        {
            _trees[commit] = tree = GitRepository.ResolveRevision(_directories, $"{commit}^{{tree}}");
        }
        return tree;
    }

    /// <summary>Params or tags: one file per key (keys with '/' are nested folders), the content is the value, unchanged.</summary>
    private IEnumerable<(string Key, string Value)> ReadValues(string runFolder, string folder)
    {
        foreach (var (key, path) in Files(runFolder, folder))
        {
            var value = StoreFiles.ReadText(path, MaxValueBytes, out var problem);
            if (value is null)
                Problem(path, $"{problem}: skipped");
            else
                yield return (key, value);
        }
    }

    /// <summary>The regular files under a run's subfolder, recursively, by path relative to it ('/'), in ordinal order.</summary>
    private List<(string Relative, string Path)> Files(string runFolder, string folder)
    {
        var result = new List<(string, string)>();
        var top = Path.Combine(runFolder, folder);
        switch (StoreFiles.KindOf(top))
        {
            case StoreFiles.Kind.Folder:
                Walk(top, "");
                break;
            case StoreFiles.Kind.Link:
                Problem(top, "symbolic link: not followed");
                break;
            case StoreFiles.Kind.File or StoreFiles.Kind.Other:
                Problem(top, "not a folder: not read");
                break;
        }
        return result;

        void Walk(string current, string prefix)
        {
            foreach (var entry in StoreFiles.List(current))
            {
                var relative = prefix.Length == 0 ? entry.Name : $"{prefix}/{entry.Name}";
                switch (Entry(entry, ""))
                {
                    case StoreFiles.Kind.Folder:
                        Walk(entry.FullName, relative);
                        break;
                    case StoreFiles.Kind.File:
                        result.Add((relative, entry.FullName));
                        break;
                }
            }
        }
    }

    private static bool IsSafeArtifactPath(string path) =>
        !path.Contains('\\') && !path.Contains(':') && !path.Any(char.IsControl)
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));

    private static bool TryMilliseconds(string? text, out DateTimeOffset time)
    {
        time = default;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) || ms < 0 || ms > 253_402_300_799_999)
            return false;
        time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    private void Problem(string path, string reason)
    {
        var relative = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
        _summary.Skipped.Add(new ImportProblem(relative, reason));
    }

    [GeneratedRegex(@"^[a-zA-Z0-9][\w\-]{0,255}$")]
    private static partial Regex RunIdPattern();
}
