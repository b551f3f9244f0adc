using System.Buffers;
using System.Net;
using System.Text.Json;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// The MLflow tracking server of <c>gittrack run --mlflow</c>: the part of MLflow's REST API (docs/mlflow.md) that
/// MLflow's clients use to log and read back, on 127.0.0.1 at a free port for the life of the run, recording into
/// GitTrack runs. Kestrel from the shared framework, one request delegate (no reflection: Native AOT), JSON written
/// with <see cref="Utf8JsonWriter"/> and read with <see cref="JsonDocument"/>.
/// </summary>
public sealed class MlflowServer : IRunCompanion, IAsyncDisposable
{
    private const string ApiPrefix = "/api/2.0/mlflow/";
    private const string ArtifactsPrefix = "/api/2.0/mlflow-artifacts/artifacts";
    private static readonly string[] Prefixes = [ApiPrefix, "/api/2.0/preview/mlflow/", "/ajax-api/2.0/mlflow/"];

    private readonly WebApplication _app;
    private readonly MlflowRuns _runs;

    private MlflowServer(WebApplication app, MlflowRuns runs, Uri url)
    {
        _app = app;
        _runs = runs;
        Url = url;
    }

    /// <summary>The tracking URI to give MLflow's clients (<c>MLFLOW_TRACKING_URI</c>): <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts the server for the repository around <paramref name="workingDirectory"/>; child runs record there too.</summary>
    public static async Task<MlflowServer> StartAsync(string workingDirectory, Action<string>? warn = null, int port = 0)
    {
        var directories = GitDirectories.Discover(workingDirectory);
        var runs = new MlflowRuns(directories, workingDirectory, warn);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directories.WorkTree });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Artifacts (model files) may be large; JSON bodies are limited where they are read.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.Run(http => HandleAsync(http, runs));
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            runs.Dispose();
            throw new InvalidInputException($"cannot listen on 127.0.0.1:{port}: {e.Message}", "try again; another program holds the port", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MlflowServer(app, runs, new Uri($"http://127.0.0.1:{new Uri(bound).Port}"));
    }

    /// <summary>True when git config <c>gittrack.mlflow</c> is true for the repository around <paramref name="workingDirectory"/>.</summary>
    public static bool IsConfigured(string workingDirectory) =>
        GitDirectories.TryDiscover(workingDirectory) is { } directories
        && GitSettings.Get(directories, "gittrack.mlflow")?.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1";

    public void Begun(RunSession session) => _runs.AttachRoot(session);

    public Task EndingAsync(RunStatus status) => _runs.EndAllAsync(status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _runs.Dispose();
    }

    private static async Task HandleAsync(HttpContext http, MlflowRuns runs)
    {
        try
        {
            // Bound to loopback: a Host naming anything else is a DNS rebinding attempt by some web site.
            if (!(http.Request.Host.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1"))
                throw new MlflowError("PERMISSION_DENIED", "this server answers only to a loopback host name");
            var path = http.Request.Path.Value ?? "/";
            if (path is "/health" or "/version")
            {
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(path == "/health" ? "OK" : "gittrack", http.RequestAborted);
                return;
            }
            if (path == ArtifactsPrefix || path.StartsWith(ArtifactsPrefix + "/", StringComparison.Ordinal))
            {
                await MlflowArtifacts.HandleAsync(http, runs, path.Length > ArtifactsPrefix.Length ? path[(ArtifactsPrefix.Length + 1)..] : "");
                return;
            }
            var prefix = Prefixes.FirstOrDefault(p => path.StartsWith(p, StringComparison.Ordinal));
            if (prefix is null)
                throw NotFound(http);
            using var request = await MlflowRequest.ReadAsync(http);
            await DispatchAsync(http, runs, request, path[prefix.Length..]);
        }
        catch (MlflowError e) when (!http.Response.HasStarted)
        {
            await ErrorAsync(http, e.Status, e.Code, e.Message);
        }
        catch (GitTrackException e) when (!http.Response.HasStarted)
        {
            var (status, code) = e switch
            {
                NotFoundException => (404, "RESOURCE_DOES_NOT_EXIST"),
                InvalidInputException or AmbiguousException => (400, "INVALID_PARAMETER_VALUE"),
                _ => (500, "INTERNAL_ERROR"),
            };
            await ErrorAsync(http, status, code, e.Hint is null ? e.Message : $"{e.Message} ({e.Hint})");
        }
    }

    private static MlflowError NotFound(HttpContext http) =>
        new("ENDPOINT_NOT_FOUND", $"gittrack's MLflow server does not implement {http.Request.Method} {http.Request.Path}: it serves MLflow's logging and run-reading API (docs/mlflow.md)");

    private static async Task DispatchAsync(HttpContext http, MlflowRuns runs, MlflowRequest request, string endpoint)
    {
        var get = HttpMethods.IsGet(http.Request.Method);
        var post = HttpMethods.IsPost(http.Request.Method);
        switch (endpoint)
        {
            case "experiments/get-by-name" when get || post:
            {
                var (id, name) = runs.ExperimentByName(request.Required("experiment_name"));
                await JsonAsync(http, json => { json.WriteStartObject(); json.WritePropertyName("experiment"); MlflowRuns.WriteExperiment(json, id, name); json.WriteEndObject(); });
                return;
            }
            case "experiments/get" when get || post:
            {
                var (id, name) = runs.ExperimentById(request.Required("experiment_id"));
                await JsonAsync(http, json => { json.WriteStartObject(); json.WritePropertyName("experiment"); MlflowRuns.WriteExperiment(json, id, name); json.WriteEndObject(); });
                return;
            }
            case "experiments/create" when post:
            {
                var id = runs.CreateExperiment(request.Required("name"));
                await JsonAsync(http, json => { json.WriteStartObject(); json.WriteString("experiment_id", id); json.WriteEndObject(); });
                return;
            }
            case "experiments/search" or "experiments/list" when get || post:
            {
                var all = runs.AllExperiments();
                await JsonAsync(http, json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("experiments");
                    foreach (var (id, name) in all)
                        MlflowRuns.WriteExperiment(json, id, name);
                    json.WriteEndArray();
                    json.WriteEndObject();
                });
                return;
            }
            case "runs/create" when post:
            {
                var tags = request.Objects("tags").Select(t => (Key(t), MlflowRequest.Text(t, "value") ?? "")).ToList();
                var run = runs.CreateRun(request.String("experiment_id") is { Length: > 0 } e ? e : "0", request.String("run_name"), tags);
                await JsonAsync(http, json => { json.WriteStartObject(); json.WritePropertyName("run"); run.WriteRun(json); json.WriteEndObject(); });
                return;
            }
            case "runs/update" when post:
            {
                var run = await runs.UpdateRunAsync(RunIdOf(request), request.String("status"), request.Long("end_time"), request.String("run_name"));
                await JsonAsync(http, json => { json.WriteStartObject(); json.WritePropertyName("run_info"); run.WriteInfo(json); json.WriteEndObject(); });
                return;
            }
            case "runs/get" when get || post:
            {
                var run = runs.Get(RunIdOf(request));
                await JsonAsync(http, json => { json.WriteStartObject(); json.WritePropertyName("run"); run.WriteRun(json); json.WriteEndObject(); });
                return;
            }
            case "runs/log-metric" when post:
            {
                var metric = new MlflowMetric(request.Required("key"), MetricValue(request), request.Long("timestamp") ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), request.Long("step") ?? 0);
                runs.Log(RunIdOf(request), [metric], [], []);
                await EmptyAsync(http);
                return;
            }
            case "runs/log-parameter" when post:
                runs.Log(RunIdOf(request), [], [(request.Required("key"), request.String("value") ?? "")], []);
                await EmptyAsync(http);
                return;
            case "runs/set-tag" when post:
                runs.Log(RunIdOf(request), [], [], [(request.Required("key"), request.String("value") ?? "")]);
                await EmptyAsync(http);
                return;
            case "runs/log-batch" when post:
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var metrics = request.Objects("metrics").Select(m => new MlflowMetric(Key(m), MlflowRequest.Double(m, "value"),
                    MlflowRequest.Int64(m, "timestamp") ?? now, MlflowRequest.Int64(m, "step") ?? 0)).ToList();
                var parameters = request.Objects("params").Select(p => (Key(p), MlflowRequest.Text(p, "value") ?? "")).ToList();
                var tags = request.Objects("tags").Select(t => (Key(t), MlflowRequest.Text(t, "value") ?? "")).ToList();
                runs.Log(RunIdOf(request), metrics, parameters, tags);
                await EmptyAsync(http);
                return;
            }
            case "runs/log-model" when post:
            {
                // MLflow appends each logged model's JSON to the tag mlflow.log-model.history (a JSON list).
                var id = RunIdOf(request);
                var model = request.Required("model_json");
                var current = runs.Get(id).Tags.TryGetValue("mlflow.log-model.history", out var history) ? history : "[]";
                runs.Log(id, [], [], [("mlflow.log-model.history", AppendJson(current, model))]);
                await EmptyAsync(http);
                return;
            }
            case "runs/search" when get || post:
            {
                await SearchAsync(http, runs, request);
                return;
            }
            case "metrics/get-history" when get || post:
            {
                var points = runs.History(RunIdOf(request), request.Required("metric_key"));
                await JsonAsync(http, json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("metrics");
                    foreach (var point in points)
                        point.Write(json);
                    json.WriteEndArray();
                    json.WriteEndObject();
                });
                return;
            }
            case "artifacts/list" when get || post:
            {
                var id = RunIdOf(request);
                var view = runs.Get(id);
                await MlflowArtifacts.ListAsync(http, runs.Artifacts(id), request.String("path") ?? "", view.ArtifactUri);
                return;
            }
            case "runs/delete-tag" or "runs/log-inputs" or "runs/delete" or "runs/restore" or "experiments/delete" or "experiments/restore"
                or "experiments/update" or "experiments/set-experiment-tag" when post:
                throw new MlflowError("NOT_IMPLEMENTED",
                    $"gittrack's MLflow server does not implement {endpoint}: it records logging, and keeps what was logged (see docs/mlflow.md; gittrack untag, rm and restore change runs afterwards)");
            default:
                throw NotFound(http);
        }
    }

    private static async Task SearchAsync(HttpContext http, MlflowRuns runs, MlflowRequest request)
    {
        var experimentIds = request.Strings("experiment_ids");
        var view = request.String("run_view_type") ?? "ACTIVE_ONLY";
        if (view is not ("ACTIVE_ONLY" or "DELETED_ONLY" or "ALL" or "1" or "2" or "3"))
            throw MlflowError.Invalid($"Invalid run_view_type '{view}'");
        var max = request.Long("max_results") ?? 1000;
        if (max is < 1 or > 50000)
            throw MlflowError.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at most 50000.");
        long offset = 0;
        if (request.String("page_token") is { Length: > 0 } token)
        {
            try
            {
                using var doc = JsonDocument.Parse(Convert.FromBase64String(token));
                offset = doc.RootElement.GetProperty("offset").GetInt64();
            }
            catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw MlflowError.Invalid("Invalid page token, could not base64-decode");
            }
        }
        IEnumerable<MlflowRunView> found = runs.All()
            .Where(r => experimentIds.Count == 0 || experimentIds.Contains(r.ExperimentId))
            .Where(r => view switch { "DELETED_ONLY" or "2" => r.Deleted, "ALL" or "3" => true, _ => !r.Deleted });
        found = MlflowSearch.Filter(found, request.String("filter"));
        var ordered = MlflowSearch.Order(found, request.Strings("order_by")).ToList();
        var page = ordered.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)max).ToList();
        var next = offset + page.Count < ordered.Count
            ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{{\"offset\": {offset + page.Count}}}")) : null;
        await JsonAsync(http, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("runs");
            foreach (var run in page)
                run.WriteRun(json);
            json.WriteEndArray();
            if (next is not null)
                json.WriteString("next_page_token", next);
            json.WriteEndObject();
        });
    }

    private static string RunIdOf(MlflowRequest request) =>
        request.String("run_id") is { Length: > 0 } id ? id : request.Required("run_uuid");

    private static string Key(JsonElement element) =>
        MlflowRequest.Text(element, "key") is { Length: > 0 } key ? key : throw MlflowError.Invalid("Missing value for required parameter 'key'.");

    private static double MetricValue(MlflowRequest request) =>
        request.String("value") is { } text ? Core.Mlflow.MlflowValues.ParseFloat(text) ?? throw MlflowError.Invalid($"Got invalid value {text} for metric")
            : throw MlflowError.Invalid("Missing value for required parameter 'value'.");

    private static string AppendJson(string list, string item)
    {
        try
        {
            using var doc = JsonDocument.Parse(list);
            using var itemDoc = JsonDocument.Parse(item);
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                if (doc.RootElement.ValueKind == JsonValueKind.Array)
                    foreach (var e in doc.RootElement.EnumerateArray())
                        e.WriteTo(json);
                itemDoc.RootElement.WriteTo(json);
                json.WriteEndArray();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            throw MlflowError.Invalid("model_json is not valid JSON");
        }
    }

    internal static async Task JsonAsync(HttpContext http, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Not HTML: quotes and apostrophes stay as they are, as MLflow's own server writes them.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private static Task EmptyAsync(HttpContext http) => JsonAsync(http, json => { json.WriteStartObject(); json.WriteEndObject(); });

    private static Task ErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        return JsonAsync(http, json =>
        {
            json.WriteStartObject();
            json.WriteString("error_code", code);
            json.WriteString("message", message);
            json.WriteEndObject();
        });
    }
}
