using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// <c>gittrack run --mlflow</c>: MLflow scripts that know nothing of gittrack record into the run through MLflow's REST
/// API: a real MLflow client (the npm package <c>mlflow</c>), the request sequence of MLflow's Python client, and curl.
/// </summary>
public sealed class MlflowServerTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string ClientFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                    return Path.Combine(dir.FullName, "tests", "mlflow-client");
            throw new InvalidOperationException("the repository root (GitTrack.sln) is not above the test binaries");
        }
    }

    private static JsonElement LastJsonLine(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    private JsonElement Show(string id)
    {
        var show = GitTrackProcess.Run(_repo, "show", id, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        using var doc = JsonDocument.Parse(show.Stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void A_node_MLflow_script_with_nested_runs_and_batches_records_into_the_run_and_its_children()
    {
        var modules = Path.Combine(ClientFolder, "node_modules", "mlflow");
        Assert.True(Directory.Exists(modules), $"the npm package mlflow is not installed: run 'npm ci' in {ClientFolder} (.ci/run does)");
        var result = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(ClientFolder, "node_modules") },
            "run", "--mlflow", "-n", "sweep-run", "--", "node", Path.Combine(ClientFolder, "nested-batches.js"));
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var seen = LastJsonLine(result.Stdout);

        // start_run() was the gittrack run itself.
        var parentId = seen.GetProperty("parent").GetString()!;
        var ids = RunsOnBranch.Ids(_repo);
        Assert.Equal(3, ids.Count);
        Assert.Contains(parentId, ids);
        var parent = RunsOnBranch.Manifest(_repo, parentId);
        Assert.Equal("sweep-run", parent.GetProperty("name").GetString());
        Assert.Equal("completed", parent.GetProperty("status").GetString());
        Assert.Equal(["node", Path.Combine(ClientFolder, "nested-batches.js")], parent.GetProperty("command").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("float", parent.GetProperty("param_types").GetProperty("lr").GetString());
        Assert.Equal(3, parent.GetProperty("params").GetProperty("epochs").GetInt64());
        Assert.Equal("cnn", parent.GetProperty("params").GetProperty("family").GetString());
        Assert.Equal("search", parent.GetProperty("tags").GetProperty("stage").GetString());
        Assert.Equal("cv", parent.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("Default", parent.GetProperty("tags").GetProperty("mlflow.experimentName").GetString());
        Assert.Equal([0L, 1L, 2L], RunsOnBranch.History(_repo, parentId).Where(p => p.Name == "loss").Select(p => p.Step!.Value));
        Assert.Equal(["summary.txt"], parent.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()));
        // The MLflow run id is never recorded as the user's environment: the port is gone when the run is over.
        Assert.False(parent.GetProperty("env").TryGetProperty("MLFLOW_TRACKING_URI", out _));

        // start_run(nested=True) became child runs of it, with their own batches, metrics, tags and artifacts.
        foreach (var child in seen.GetProperty("children").EnumerateArray())
        {
            var id = child.GetProperty("id").GetString()!;
            var manifest = RunsOnBranch.Manifest(_repo, id);
            Assert.Equal(parentId, manifest.GetProperty("parent").GetString());
            Assert.Equal("completed", manifest.GetProperty("status").GetString());
            var width = manifest.GetProperty("params").GetProperty("width").GetInt64();
            Assert.Equal($"width-{width}", manifest.GetProperty("name").GetString());
            Assert.Equal(width.ToString(System.Globalization.CultureInfo.InvariantCulture), manifest.GetProperty("tags").GetProperty("width_tag").GetString());
            var history = RunsOnBranch.History(_repo, id);
            Assert.Equal([0L, 1L, 2L, 3L], history.Where(p => p.Name == "acc").Select(p => p.Step!.Value));
            Assert.Equal(4, child.GetProperty("points").GetInt32());
            Assert.Equal(3L, history.Single(p => p.Name == "val/acc").Step);
            var artifact = Assert.Single(manifest.GetProperty("artifacts").EnumerateArray());
            Assert.Equal("model/weights.txt", artifact.GetProperty("path").GetString());
            Assert.Equal($"weights of {width}", RunsOnBranch.CacheCat(_repo, artifact.GetProperty("blake3").GetString()!));
        }
        // Read back while running: search by parent, ordered; get; the refusal of a changed param as MLflow words it.
        Assert.Equal(["64", "32"], seen.GetProperty("searched").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, seen.GetProperty("loss").GetProperty("step").GetInt64());
        Assert.Equal("INVALID_PARAMETER_VALUE", seen.GetProperty("refused").GetProperty("error_code").GetString());
        Assert.Contains("Changing param values is not allowed", seen.GetProperty("refused").GetProperty("message").GetString());
    }

    [Fact]
    public void The_request_sequence_of_MLflows_Python_client_is_answered_and_recorded()
    {
        var result = GitTrackProcess.Run(_repo, "run", "--mlflow", "--", "python3", Path.Combine(ClientFolder, "python-client-sequence.py"));
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var seen = LastJsonLine(result.Stdout);
        var run = Show(seen.GetProperty("run").GetString()!);
        Assert.Equal("vision", run.GetProperty("tags").GetProperty("mlflow.experimentName").GetString());
        Assert.Equal("train", run.GetProperty("tags").GetProperty("mlflow.runName").GetString());
        Assert.Equal("train.py", run.GetProperty("tags").GetProperty("mlflow.source.name").GetString());
        Assert.Equal(["notes/readme.txt"], run.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()));
        var child = Show(seen.GetProperty("child").GetString()!);
        Assert.Equal("fold-1", child.GetProperty("name").GetString());
        Assert.Equal(run.GetProperty("id").GetString(), child.GetProperty("parent").GetString());
        Assert.Equal("nan", child.GetProperty("metrics").GetProperty("acc").GetString());
        Assert.Equal(["model/model.txt"], child.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("path").GetString()));
    }

    [Fact]
    public void Curl_sees_MLflows_protocol_errors_int64_strings_and_unknown_endpoints()
    {
        _repo.WriteFile("probe.sh", """
            set -u
            U=$MLFLOW_TRACKING_URI/api/2.0/mlflow
            J='Content-Type: application/json'
            code() { curl -s -o /tmp/body.$$ -w '%{http_code}' "$@"; printf ' '; cat /tmp/body.$$; echo; rm -f /tmp/body.$$; }
            echo "unknown $(code $U/runs/no-such-thing)"
            echo "missing $(code "$U/runs/get?run_id=0123456789abcdef01234567")"
            echo "badjson $(code -H "$J" -d '{not json' $U/runs/create)"
            echo "formenc $(code -d 'experiment_id=0' $U/runs/create)"
            echo "noexp $(code -H "$J" -d '{"experiment_id":"424242"}' $U/runs/create)"
            RUN=$(curl -s -H "$J" -d '{"experiment_id":"0","run_name":"curl"}' $U/runs/create | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
            echo "strings $(code -H "$J" -d "{\"run_id\":\"$RUN\",\"key\":\"m\",\"value\":\"Infinity\",\"timestamp\":\"1700000000000\",\"step\":\"7\"}" $U/runs/log-metric)"
            echo "history $(code "$U/metrics/get-history?run_id=$RUN&metric_key=m")"
            echo "badstep $(code -H "$J" -d "{\"run_id\":\"$RUN\",\"key\":\"m\",\"value\":1,\"timestamp\":1,\"step\":\"seven\"}" $U/runs/log-metric)"
            echo "traversal $(code -X PUT --data-binary x "$MLFLOW_TRACKING_URI/api/2.0/mlflow-artifacts/artifacts/0/$RUN/artifacts/a/%2E%2E/%2E%2E/x")"
            echo "deletetag $(code -H "$J" -d "{\"run_id\":\"$RUN\",\"key\":\"t\"}" $U/runs/delete-tag)"
            echo "host $(code -H 'Host: evil.example' "$U/experiments/get?experiment_id=0")"
            """);
        var result = GitTrackProcess.Run(_repo, "run", "--mlflow", "--", "bash", "probe.sh");
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0], l => l[(l.IndexOf(' ') + 1)..]);
        void Error(string name, int status, string code)
        {
            Assert.StartsWith($"{status} ", lines[name]);
            using var body = JsonDocument.Parse(lines[name][4..]);
            Assert.Equal(code, body.RootElement.GetProperty("error_code").GetString());
            Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("message").GetString()));
        }
        Error("unknown", 404, "ENDPOINT_NOT_FOUND");
        Assert.Contains("runs/no-such-thing", lines["unknown"]);
        Error("missing", 404, "RESOURCE_DOES_NOT_EXIST");
        Error("badjson", 400, "MALFORMED_REQUEST");
        Error("formenc", 400, "BAD_REQUEST");
        Error("noexp", 404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("200 {}", lines["strings"]);
        Assert.Equal("""200 {"metrics":[{"key":"m","value":"Infinity","timestamp":1700000000000,"step":7}]}""", lines["history"]);
        Error("badstep", 400, "INVALID_PARAMETER_VALUE");
        Error("traversal", 400, "INVALID_PARAMETER_VALUE");
        Error("deletetag", 501, "NOT_IMPLEMENTED");
        Error("host", 403, "PERMISSION_DENIED");
    }

    [Fact]
    public void A_tracking_uri_the_user_set_is_kept_unless_asked_and_git_config_turns_the_server_on()
    {
        _repo.WriteFile("uri.sh", "echo \"uri=$MLFLOW_TRACKING_URI\"\n");
        var kept = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = "http://tracking.example:5000" },
            "run", "--mlflow", "--", "bash", "uri.sh");
        Assert.Equal(0, kept.ExitCode);
        Assert.Contains("uri=http://tracking.example:5000", kept.Stdout);
        Assert.Contains("MLFLOW_TRACKING_URI is already set", kept.Stderr);

        var overridden = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = "http://tracking.example:5000" },
            "run", "--mlflow", "--mlflow-override", "--", "bash", "uri.sh");
        Assert.Equal(0, overridden.ExitCode);
        Assert.Matches(@"uri=http://127\.0\.0\.1:\d+\n", overridden.Stdout);

        var plain = GitTrackProcess.Run(_repo, "run", "--", "bash", "uri.sh");
        Assert.Contains("uri=\n", plain.Stdout);
        _repo.Git("config", "gittrack.mlflow", "true");
        var configured = GitTrackProcess.Run(_repo, "run", "--", "bash", "uri.sh");
        Assert.Matches(@"uri=http://127\.0\.0\.1:\d+\n", configured.Stdout);
    }
}
