using System.Text.Json;
using GitTrack.Core.Diff;
using GitTrack.Core.Lineage;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;
using GitTrack.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitTrack.Web.Api;

/// <summary>
/// What a run was made from and what was made from it (issue #18): <c>GET /api/runs/RUN/packages</c> (its stored
/// environment, as <c>gittrack env</c> lists it), <c>GET /api/runs/RUN/lineage</c> (the graph <c>gittrack lineage</c>
/// prints, both ways) and <c>GET /api/packages/diff?a=&amp;b=</c> (the package part of <c>gittrack diff</c>).
/// Each request opens its own store, as the models view does: the runs data's store is held by its lock, and these
/// are read once per page.
/// </summary>
internal static class LineageApi
{
    /// <summary>How many runs the lineage graph holds at most; beyond it the answer says it was cut.</summary>
    private const int MaxGraphRuns = 200;
    /// <summary>How far the graph is followed each way, in runs.</summary>
    private const int MaxDepth = 20;

    public static void Map(IEndpointRouteBuilder app, GitDirectories directories)
    {
        app.MapGet("/api/runs/{run}/packages", (HttpContext http, string run) =>
        {
            using var store = RunStore.Open(directories);
            var record = store.Resolve(run, includeRemoved: true);
            var set = record.Packages?.Key is { } key ? store.ReadEnvironment(key) : null;
            return RunsApi.Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", record.Id);
                json.WriteString("key", record.Packages?.Key);
                json.WriteNumber("count", record.Packages?.Count ?? 0);
                // A run that names an environment its branch lacks (cut short): said, never guessed.
                json.WriteBoolean("missing", record.Packages?.Key is not null && set is null);
                json.WriteString("python", record.Runtimes.GetValueOrDefault("python"));
                json.WriteString("cuda", Version(set, "cuda"));
                json.WriteString("cudnn", Version(set, "cudnn"));
                json.WriteStartArray("sources");
                foreach (var source in record.Packages?.Sources ?? [])
                    json.WriteStringValue(source);
                json.WriteEndArray();
                json.WriteStartArray("lock_files");
                foreach (var file in record.Packages?.LockFiles ?? [])
                    json.WriteStringValue(file);
                json.WriteEndArray();
                json.WriteStartArray("packages");
                foreach (var package in set?.Packages ?? [])
                {
                    json.WriteStartObject();
                    json.WriteString("manager", package.Manager);
                    json.WriteString("name", package.Name);
                    json.WriteString("version", package.Version);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
        });

        app.MapGet("/api/packages/diff", (HttpContext http) =>
        {
            using var store = RunStore.Open(directories);
            var a = store.Resolve(http.Request.Query["a"].ToString(), includeRemoved: true);
            var b = store.Resolve(http.Request.Query["b"].ToString(), includeRemoved: true);
            var setA = a.Packages?.Key is { } keyA ? store.ReadEnvironment(keyA) : null;
            var setB = b.Packages?.Key is { } keyB ? store.ReadEnvironment(keyB) : null;
            var changes = setA is null && setB is null ? [] : EnvironmentDiffer.Packages(setA, setB).Where(c => c.Kind != ChangeKind.Same).ToList();
            return RunsApi.Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("a", a.Id);
                json.WriteString("b", b.Id);
                json.WriteBoolean("same_environment", a.Packages?.Key is not null && a.Packages.Key == b.Packages?.Key);
                json.WriteBoolean("recorded", setA is not null && setB is not null);
                json.WriteStartArray("changes");
                foreach (var change in changes)
                {
                    json.WriteStartObject();
                    json.WriteString("manager", change.Manager);
                    json.WriteString("name", change.Name);
                    json.WriteString("old", change.Old);
                    json.WriteString("new", change.New);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
        });

        app.MapGet("/api/runs/{run}/lineage", (HttpContext http, string run) =>
        {
            using var store = RunStore.Open(directories);
            var record = store.Resolve(run, includeRemoved: true);
            var lineage = RunLineage.Load(store);
            var graph = new Graph();
            var root = lineage.Find(record.Id) ?? record;
            graph.AddRun(root, 0);
            Up(lineage, graph, root, 0);
            Down(lineage, graph, root, 0);
            return RunsApi.Json(http, json => graph.Write(json, root.Id));
        });
    }

    private static string? Version(PackageSet? set, string name) =>
        set?.Packages.FirstOrDefault(p => p.Manager == "system" && p.Name == name)?.Version;

    // Upstream: the run's inputs one column to the left, the runs whose artifacts they are one further, and so on.
    private static void Up(RunLineage lineage, Graph graph, RunRecord run, int depth)
    {
        foreach (var (input, producers) in lineage.Up(run))
        {
            var data = graph.AddData(input.Key.ToString(), input.Path, input.IsFolder, input.Size, depth - 1);
            graph.AddEdge(data, Graph.RunNode(run.Id), input.Path);
            foreach (var (producer, artifact) in producers)
            {
                var known = graph.Has(producer.Id);
                if (!known && (graph.Runs >= MaxGraphRuns || -depth >= MaxDepth))
                {
                    graph.Cut = true;
                    continue;
                }
                graph.AddRun(producer, depth - 2);
                graph.AddEdge(Graph.RunNode(producer.Id), data, artifact.Path);
                if (!known)
                    Up(lineage, graph, producer, depth - 2);
            }
        }
    }

    // Downstream: the run's artifacts that others read one column to the right, those runs one further, and so on.
    private static void Down(RunLineage lineage, Graph graph, RunRecord run, int depth)
    {
        foreach (var (artifact, consumers) in lineage.Down(run))
        {
            var data = graph.AddData(artifact.Key.ToString(), artifact.Path, false, artifact.Size, depth + 1);
            graph.AddEdge(Graph.RunNode(run.Id), data, artifact.Path);
            foreach (var (consumer, input) in consumers)
            {
                var known = graph.Has(consumer.Id);
                if (!known && (graph.Runs >= MaxGraphRuns || depth >= MaxDepth))
                {
                    graph.Cut = true;
                    continue;
                }
                graph.AddRun(consumer, depth + 2);
                graph.AddEdge(data, Graph.RunNode(consumer.Id), input.Path);
                if (!known)
                    Down(lineage, graph, consumer, depth + 2);
            }
        }
    }

    /// <summary>Runs and data (by content key) as nodes in columns (0 the run asked about), and the links between them.</summary>
    private sealed class Graph
    {
        private readonly Dictionary<string, (string Kind, string Label, string? Status, string? Key, bool Folder, long Size, int Column)> _nodes = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];
        private readonly HashSet<(string, string, string)> _edges = [];
        private readonly List<(string From, string To, string Label)> _edgeOrder = [];

        public int Runs { get; private set; }
        public bool Cut { get; set; }

        public static string RunNode(string id) => "run:" + id;

        public bool Has(string runId) => _nodes.ContainsKey(RunNode(runId));

        public void AddRun(RunRecord run, int column)
        {
            var node = RunNode(run.Id);
            if (_nodes.ContainsKey(node))
                return;
            _nodes[node] = ("run", run.Name, ManifestToml.StatusText(run.Status), null, false, 0, column);
            _order.Add(node);
            Runs++;
        }

        /// <summary>One node per content key and column: the same data read by the run and made by another is one node.</summary>
        public string AddData(string key, string path, bool folder, long size, int column)
        {
            var node = $"data:{key}:{column}";
            if (!_nodes.ContainsKey(node))
            {
                _nodes[node] = ("data", path, null, key, folder, size, column);
                _order.Add(node);
            }
            return node;
        }

        public void AddEdge(string from, string to, string label)
        {
            if (_edges.Add((from, to, label)))
                _edgeOrder.Add((from, to, label));
        }

        public void Write(Utf8JsonWriter json, string rootId)
        {
            json.WriteStartObject();
            json.WriteString("root", RunNode(rootId));
            json.WriteBoolean("cut", Cut);
            json.WriteStartArray("nodes");
            foreach (var id in _order)
            {
                var node = _nodes[id];
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("kind", node.Kind);
                json.WriteString("label", node.Label);
                json.WriteNumber("column", node.Column);
                if (node.Kind == "run")
                {
                    json.WriteString("run", id["run:".Length..]);
                    json.WriteString("status", node.Status);
                }
                else
                {
                    json.WriteString("blake3", node.Key);
                    json.WriteBoolean("folder", node.Folder);
                    json.WriteNumber("size", node.Size);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("edges");
            foreach (var (from, to, label) in _edgeOrder)
            {
                json.WriteStartObject();
                json.WriteString("from", from);
                json.WriteString("to", to);
                json.WriteString("label", label);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}
