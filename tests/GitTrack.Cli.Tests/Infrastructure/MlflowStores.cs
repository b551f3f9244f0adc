using System.Globalization;
using System.Text;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// MLflow file stores for the import tests: the two real ones in shared/data/mlruns (found beside the repository, as
/// CI lays shared/ out), and stores written here in the layouts MLflow 1.x, 2.x and 3.x write (MLflow's
/// file_store.py: meta.yaml keys per version, one file per param and tag, metric lines "timestamp value step").
/// </summary>
public static class MlflowStores
{
    /// <summary>A real store from shared/data/mlruns, searched for in the folders above the repository.</summary>
    public static string Shared(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "mlruns", name);
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException($"shared/data/mlruns/{name} is not beside the repository (CI copies shared/ next to the clone)");
    }

    /// <summary>What a store's files hold, counted without GitTrack: the numbers an import's summary must show.</summary>
    public sealed record Counts(int Experiments, int Runs, int Params, int MetricPoints, int Artifacts, int NotRuns);

    public static Counts Count(string store)
    {
        int experiments = 0, runs = 0, parameters = 0, points = 0, artifacts = 0, notRuns = 0;
        var experimentFolders = Directory.GetDirectories(store).Where(d => Path.GetFileName(d) is not (".trash" or "models"))
            .Concat(Directory.Exists(Path.Combine(store, ".trash")) ? Directory.GetDirectories(Path.Combine(store, ".trash")) : []);
        foreach (var experiment in experimentFolders.Where(d => File.Exists(Path.Combine(d, "meta.yaml"))))
        {
            experiments++;
            foreach (var run in Directory.GetDirectories(experiment).Where(d => Path.GetFileName(d) is not ("tags" or "datasets" or "traces" or "models")))
            {
                if (!File.Exists(Path.Combine(run, "meta.yaml")))
                {
                    notRuns++;
                    continue;
                }
                runs++;
                parameters += Files(run, "params").Length;
                points += Files(run, "metrics").Sum(f => File.ReadAllLines(f).Count(l => l.Trim().Length > 0));
                artifacts += Files(run, "artifacts").Length;
            }
        }
        return new Counts(experiments, runs, parameters, points, artifacts, notRuns);

        static string[] Files(string run, string folder) =>
            Directory.Exists(Path.Combine(run, folder)) ? Directory.GetFiles(Path.Combine(run, folder), "*", SearchOption.AllDirectories) : [];
    }

    /// <summary>Writes an MLflow file store in the layout of MLflow major version 1, 2 or 3.</summary>
    public sealed class Writer(string root, int version)
    {
        public string Root { get; } = root;

        public string Experiment(string id, string name, bool inTrash = false, string stage = "active")
        {
            var folder = inTrash ? Path.Combine(Root, ".trash", id) : Path.Combine(Root, id);
            Directory.CreateDirectory(folder);
            var meta = new StringBuilder();
            meta.Append(CultureInfo.InvariantCulture, $"artifact_location: file:///C:/Users/someone/mlruns/{id}\n");
            if (version >= 2)
                meta.Append("creation_time: 1682954031446\n");
            meta.Append(CultureInfo.InvariantCulture, $"experiment_id: '{id}'\n");
            if (version >= 2)
                meta.Append("last_update_time: 1682954031446\n");
            meta.Append(CultureInfo.InvariantCulture, $"lifecycle_stage: {stage}\nname: {name}\n");
            File.WriteAllText(Path.Combine(folder, "meta.yaml"), meta.ToString());
            if (version >= 3)
            {
                // 3.x keeps logged models beside the runs: not a run, never imported as one.
                var model = Path.Combine(folder, "models", "m-cb5bf81cf4af400d868b65425cc6d73a");
                Directory.CreateDirectory(model);
                File.WriteAllText(Path.Combine(model, "meta.yaml"), $"experiment_id: '{id}'\nmodel_id: m-cb5bf81cf4af400d868b65425cc6d73a\nname: model\nstatus: 2\n");
            }
            return folder;
        }

        /// <summary>A run; <paramref name="metrics"/> maps a key to lines (timestamp, value text, step).</summary>
        public string Run(string experimentFolder, string runId, string name, int status, long start, long? end,
            IReadOnlyDictionary<string, string>? parameters = null, IReadOnlyDictionary<string, string>? tags = null,
            IReadOnlyDictionary<string, (long Timestamp, string Value, long Step)[]>? metrics = null,
            IReadOnlyDictionary<string, string>? artifacts = null, string stage = "active")
        {
            var experimentId = Path.GetFileName(experimentFolder);
            var folder = Path.Combine(experimentFolder, runId);
            Directory.CreateDirectory(folder);
            var meta = new StringBuilder();
            meta.Append(CultureInfo.InvariantCulture, $"artifact_uri: file:///C:/Users/someone/mlruns/{experimentId}/{runId}/artifacts\n");
            if (version >= 2 && stage == "deleted")
                meta.Append("deleted_time: 1685325838341\n");
            meta.Append(end is { } e ? $"end_time: {e}\n" : "end_time: null\n");
            meta.Append("entry_point_name: ''\n");
            meta.Append(CultureInfo.InvariantCulture, $"experiment_id: '{experimentId}'\n");
            meta.Append(CultureInfo.InvariantCulture, $"lifecycle_stage: {stage}\n");
            if (version == 1)
                meta.Append("name: ''\n");
            meta.Append(CultureInfo.InvariantCulture, $"run_id: {runId}\n");
            if (version >= 2)
                meta.Append(CultureInfo.InvariantCulture, $"run_name: {name}\n");
            if (version <= 2)
                meta.Append(CultureInfo.InvariantCulture, $"run_uuid: {runId}\n");
            meta.Append(CultureInfo.InvariantCulture, $"source_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: {start}\nstatus: {status}\ntags: []\nuser_id: someone\n");
            File.WriteAllText(Path.Combine(folder, "meta.yaml"), meta.ToString());
            var allTags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>()) { ["mlflow.runName"] = name, ["mlflow.user"] = "someone" };
            foreach (var (key, value) in parameters ?? new Dictionary<string, string>())
                WriteValue(Path.Combine(folder, "params", key), value);
            foreach (var (key, value) in allTags)
                WriteValue(Path.Combine(folder, "tags", key), value);
            foreach (var (key, lines) in metrics ?? new Dictionary<string, (long, string, long)[]>())
            {
                var path = Path.Combine(folder, "metrics", key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // 3.x appends the dataset a metric was computed on to each line.
                File.WriteAllText(path, string.Concat(lines.Select(l => version >= 3
                    ? $"{l.Timestamp} {l.Value} {l.Step} train 1a2b3c\n" : $"{l.Timestamp} {l.Value} {l.Step}\n")));
            }
            foreach (var (path, content) in artifacts ?? new Dictionary<string, string>())
                WriteValue(Path.Combine(folder, "artifacts", path), content);
            if (version >= 3)
            {
                var output = Path.Combine(folder, "outputs", "m-cb5bf81cf4af400d868b65425cc6d73a");
                Directory.CreateDirectory(output);
                File.WriteAllText(Path.Combine(output, "meta.yaml"), "destination_type: MODEL_OUTPUT\nsource_type: RUN_OUTPUT\nstep: 0\ntags: {}\n");
            }
            return folder;
        }

        private static void WriteValue(string path, string value)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, value); // MLflow writes values with no trailing newline
        }
    }
}
