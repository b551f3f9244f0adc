using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitTrack.Core.Cache;
using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Listing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Web.Charts;
using GitTrack.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace GitTrack.Web.Api;

/// <summary>The JSON API under <c>/api</c>: read-only endpoints, and the edit endpoints when edits are allowed.</summary>
internal static partial class RunsApi
{
    /// <summary>The most points per series a chart is sent; enough for a 4K-wide chart, small enough to draw at once.</summary>
    public const int MaxPointsPerSeries = 2000;
    private const int MaxPatchBytes = 1 << 20;
    private const int MaxLogBytes = 4 << 20;
    // A sweep's curves are overlaid in one request; the page asks for fewer points per series as the runs grow.
    private const int MaxCompared = 200;

    /// <summary>A paging parameter: absent, or a count from 0 to 1,000,000 (else a 400 error).</summary>
    private static int? PageNumber(HttpContext http, string name)
    {
        var text = http.Request.Query[name].ToString();
        if (text.Length == 0)
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000 ? value
            : throw new InvalidInputException($"{name}={text} is not a count", $"give {name} a whole number from 0 to 1000000");
    }

    public static void Map(IEndpointRouteBuilder app, RunsData data, UiOptions options, string token)
    {
        app.MapGet("/api/version", (HttpContext http) => Json(http, json =>
        {
            json.WriteStartObject();
            json.WriteString("tip", data.Tip);
            json.WriteEndObject();
        }));

        // The token travels only in a same-origin response: another site can send requests, never read them.
        app.MapGet("/api/session", (HttpContext http) => Json(http, json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("edits", options.AllowEdits);
            json.WriteString("token", options.AllowEdits ? token : null);
            json.WriteString("repository", data.Directories.WorkTree);
            json.WriteEndObject();
        }));

        app.MapGet("/api/runs", (HttpContext http) =>
        {
            // Filtered, sorted and paged by Core's RunListing, as 'gittrack ls' lists (?filter= in the query language or
            // a lone word searched for, ?sort= as 'ls --sort', ?offset=, ?limit=), so a page of a 100,000-run table is
            // what travels and what is read; without limit every match is sent.
            var (tip, page) = data.Page(new RunListQuery
            {
                Filter = http.Request.Query["filter"].ToString(),
                Sort = http.Request.Query["sort"].ToString(),
                Offset = PageNumber(http, "offset") ?? 0,
                Limit = PageNumber(http, "limit"),
                WordSearch = true,
            });
            return Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("tip", tip);
                json.WriteNumber("total", page.Total);
                json.WriteNumber("matched", page.Matched);
                json.WriteNumber("offset", page.Offset);
                json.WriteStartArray("runs");
                foreach (var run in page.Runs)
                    RunJson.WriteSummary(json, run);
                json.WriteEndArray();
                // The page's columns: every param, metric (system ones left out) and tag key, and which vary.
                var columns = page.Columns;
                json.WriteStartObject("columns");
                WriteStrings(json, "params", columns.Params);
                WriteStrings(json, "metrics", columns.Metrics);
                WriteStrings(json, "tags", columns.Tags);
                WriteStrings(json, "varying_params", columns.VaryingParams);
                WriteStrings(json, "varying_metrics", columns.VaryingMetrics);
                json.WriteEndObject();
                json.WriteStartArray("skipped");
                foreach (var entry in page.Skipped)
                {
                    json.WriteStartObject();
                    json.WriteString("path", entry.Path);
                    json.WriteString("reason", entry.Reason);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
        });

        app.MapGet("/api/runs/{run}", (HttpContext http, string run) =>
        {
            var record = data.Resolve(run);
            var history = MetricSummary.Of(data.History(record.Id));
            var children = data.Children(record.Id);
            var removedAt = data.RemovedAt(record.Id);
            var onlyOn = data.OnlyOn(record.Id);
            return Json(http, json => RunJson.WriteRecord(json, record, history, children, removedAt, onlyOn));
        });

        app.MapGet("/api/runs/{run}/metrics", (HttpContext http, string run) =>
        {
            var record = data.Resolve(run);
            var axis = ParseAxis(http);
            var series = data.Series(record, axis, ParsePoints(http));
            return Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", record.Id);
                json.WriteString("x", axis == MetricSeries.Axis.Step ? "step" : "time");
                json.WriteStartArray("series");
                foreach (var s in series)
                    ApiJson.WriteSeries(json, s);
                json.WriteEndArray();
                json.WriteEndObject();
            });
        });

        app.MapGet("/api/runs/{run}/log", async (HttpContext http, string run) =>
        {
            var record = data.Resolve(run);
            if (record.Log is not { } log)
                throw new NotFoundException($"run {record.Name} has no captured log", "the command printed nothing");
            http.Response.ContentType = "text/plain; charset=utf-8";
            // A long log is cut to its end, where the error usually is. Not here: fetched from the artifacts remote first.
            await data.Cache.EnsureLocalAsync(new ObjectNeed(log.Key, $"{record.Name} ({record.Id[..RunId.ShortLength]})", log.Path), null, http.RequestAborted);
            await using var stream = data.Cache.OpenRead(log.Key);
            var skip = Math.Max(0, log.Size - MaxLogBytes);
            if (skip > 0)
            {
                http.Response.Headers["X-GitTrack-Truncated"] = skip.ToString(CultureInfo.InvariantCulture);
                await CopyAsync(stream, Stream.Null, skip, http.RequestAborted);
            }
            await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
        });

        app.MapGet("/api/compare", (HttpContext http) =>
        {
            var ids = http.Request.Query["ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length is 0 or > MaxCompared)
                throw new InvalidInputException($"compare takes 1 to {MaxCompared} runs, got {ids.Length}", "pass ids=ID,ID,...");
            var axis = ParseAxis(http);
            var points = ParsePoints(http);
            // The rows, and which differ, are Core's RunComparison: the same as 'gittrack compare --json'.
            var comparison = RunComparison.Of(ids.Select(id => data.Resolve(id)));
            var records = comparison.Runs;
            var series = records.Select(r => data.Series(r, axis, points)).ToArray();
            return Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("x", axis == MetricSeries.Axis.Step ? "step" : "time");
                json.WriteStartArray("runs");
                for (var i = 0; i < records.Count; i++)
                {
                    json.WriteStartObject();
                    json.WritePropertyName("run");
                    RunJson.WriteSummary(json, RunSummary.Of(records[i]));
                    json.WriteString("tree", records[i].Source.Tree);
                    json.WriteString("commit", records[i].Source.Commit);
                    json.WriteStartArray("series");
                    foreach (var s in series[i])
                        ApiJson.WriteSeries(json, s);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                ComparisonJson.WriteRows(json, comparison);
                json.WriteEndObject();
            });
        });

        // The code diff is Core's (CodeDiff, the same as 'gittrack diff --code'), with paths as they are for the page.
        app.MapGet("/api/diff", (HttpContext http) =>
        {
            var a = data.Resolve(http.Request.Query["a"].ToString());
            var b = data.Resolve(http.Request.Query["b"].ToString());
            foreach (var tree in new[] { a.Source.Tree, b.Source.Tree })
                if (!ObjectIdPattern().IsMatch(tree))
                    throw new CorruptDataException($"'{tree}' is not a git object id", "the run's manifest is damaged");
            var stat = CodeDiff.Stat(data.Directories, a.Source.Tree, b.Source.Tree, color: false, rawPaths: true);
            var patch = CodeDiff.Patch(data.Directories, a.Source.Tree, b.Source.Tree, color: false, rawPaths: true);
            var truncated = patch.Length > MaxPatchBytes;
            return Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("a", a.Id);
                json.WriteString("b", b.Id);
                json.WriteString("tree_a", a.Source.Tree);
                json.WriteString("tree_b", b.Source.Tree);
                json.WriteString("stat", stat);
                json.WriteString("patch", truncated ? patch[..MaxPatchBytes] : patch);
                json.WriteBoolean("truncated", truncated);
                json.WriteEndObject();
            });
        });

        // Artifacts go by cache key only: the key is checked to be 64 hex digits before the cache is touched, so no
        // request can name a path. The optional name only labels the download.
        app.MapGet("/api/artifacts/{key}", async (HttpContext http, string key) =>
        {
            if (!KeyPattern().IsMatch(key) || !Blake3Hash.TryParse(key, out var hash))
                throw new InvalidInputException("an artifact is named by its cache key (64 lowercase hex digits)", "use the key shown beside the artifact");
            // An object missing here comes from the artifacts remote (verified as it streams) before a byte is sent.
            await data.Cache.EnsureLocalAsync(new ObjectNeed(hash), null, http.RequestAborted);
            var name = SafeFileName(http.Request.Query["name"].ToString()) ?? key;
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(name);
            http.Response.ContentType = "application/octet-stream";
            http.Response.Headers.ContentDisposition = disposition.ToString();
            await using var stream = data.Cache.OpenRead(hash);
            await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
        });

        if (options.AllowEdits)
            MapEdits(app, data);
    }

    /// <summary>
    /// Tags, note and name of a finished run, changed with <see cref="RunStore.Change"/> as the tag, note and rename
    /// commands do, and hiding/restoring it as rm and restore do. A running run is refused (see <see cref="Finished"/>).
    /// </summary>
    private static void MapEdits(IEndpointRouteBuilder app, RunsData data)
    {
        app.MapPost("/api/runs/{run}/edit", async (HttpContext http, string run) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var edit = ReadEdit(body.RootElement);
            var record = Finished(data.Resolve(run));
            data.Change(record.Id, stored =>
            {
                // Applied to the manifest at the branch tip, so a concurrent change is never undone.
                var changed = RunEdits.RemoveTags(RunEdits.SetTags(stored, edit.Set), edit.Remove);
                return edit.HasNote ? changed with { Note = RunEdits.Note(edit.Note) } : changed;
            });
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        // Rename, hide and restore go through the same RunStore operations as gittrack rename, rm and restore.
        app.MapPost("/api/runs/{run}/rename", async (HttpContext http, string run) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (body.RootElement.ValueKind != JsonValueKind.Object
                || !body.RootElement.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                throw new InvalidInputException("a rename needs the new name", "send {\"name\": \"NEW-NAME\"}");
            var record = Finished(data.Resolve(run));
            var changed = data.Rename(record, name.GetString()!);
            await Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", changed.Id);
                json.WriteString("name", changed.Name);
                json.WriteEndObject();
            });
        });

        app.MapPost("/api/runs/{run}/delete", (HttpContext http, string run) =>
        {
            data.Remove(Finished(data.Resolve(run)).Id);
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        app.MapPost("/api/runs/{run}/restore", (HttpContext http, string run) =>
        {
            data.Restore(Finished(data.Resolve(run, includeRemoved: true)).Id);
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        });
    }

    private sealed record Edit(List<KeyValuePair<string, string>> Set, List<string> Remove, bool HasNote, string? Note);

    /// <summary>
    /// The body of an edit, <c>{"set_tags": {"k": "v"}, "remove_tags": ["k"], "note": "text"}</c>, checked before
    /// anything is written: tag keys as <c>gittrack tag</c> checks them (<see cref="RunEdits"/>), every value a string
    /// (a note may be null, which removes it).
    /// </summary>
    private static Edit ReadEdit(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException("an edit is a JSON object", "send {\"set_tags\": {...}, \"remove_tags\": [...], \"note\": \"...\"}");
        var set = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("set_tags", out var tags))
        {
            if (tags.ValueKind != JsonValueKind.Object)
                throw new InvalidInputException("set_tags must be an object of strings", "send {\"set_tags\": {\"team\": \"vision\"}}");
            foreach (var tag in tags.EnumerateObject())
                set.Add(new(tag.Name, tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()!
                    : throw new InvalidInputException($"the value of tag '{tag.Name}' is not a string", "send tag values as strings")));
            set = RunEdits.Tags(set); // refuses what 'gittrack tag' refuses: an empty key, a line break in a key, ...
        }
        var remove = new List<string>();
        if (root.TryGetProperty("remove_tags", out var removed))
        {
            if (removed.ValueKind != JsonValueKind.Array || removed.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
                throw new InvalidInputException("remove_tags must be an array of strings", "send {\"remove_tags\": [\"team\"]}");
            remove.AddRange(removed.EnumerateArray().Select(k => k.GetString()!));
        }
        var hasNote = root.TryGetProperty("note", out var note);
        if (hasNote && note.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw new InvalidInputException("note must be a string or null", "send {\"note\": \"text\"}");
        return new Edit(set, remove, hasNote, hasNote && note.ValueKind == JsonValueKind.String ? note.GetString() : null);
    }

    /// <summary>
    /// The run, when it has ended: a running run's recorder would write its own manifest over a change at its next
    /// checkpoint, and a crashed run is still stored as running.
    /// </summary>
    private static RunRecord Finished(RunRecord record) => record.Status switch
    {
        RunStatus.Running => throw new ConflictException($"run {record.Name} is still running", "edit it when it has ended"),
        RunStatus.Crashed => throw new ConflictException($"run {record.Name} crashed and is stored as running", "edit it with the command line"),
        _ => record,
    };

    private static MetricSeries.Axis ParseAxis(HttpContext http) => http.Request.Query["x"].ToString() switch
    {
        "" or "step" => MetricSeries.Axis.Step,
        "time" => MetricSeries.Axis.Time,
        var other => throw new InvalidInputException($"unknown x axis '{other}'", "use x=step or x=time"),
    };

    private static int ParsePoints(HttpContext http)
    {
        var text = http.Request.Query["points"].ToString();
        if (text.Length == 0)
            return MaxPointsPerSeries;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var points) || points < 4)
            throw new InvalidInputException($"points must be a whole number from 4 to {MaxPointsPerSeries}", "leave it out for the default");
        return Math.Min(points, MaxPointsPerSeries);
    }

    private static string? SafeFileName(string name)
    {
        var file = Path.GetFileName(name.Replace('\\', '/'));
        var clean = new string(file.Where(c => !char.IsControl(c) && c != '"').ToArray());
        return clean.Length == 0 || clean is "." or ".." ? null : clean;
    }

    private static async Task CopyAsync(Stream from, Stream to, long count, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (count > 0)
            {
                var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellation);
                if (read == 0)
                    break;
                await to.WriteAsync(buffer.AsMemory(0, read), cancellation);
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    internal static async Task Json(HttpContext http, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
            write(json);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    internal static Task Error(HttpContext http, int status, string message, string? hint)
    {
        http.Response.StatusCode = status;
        return Json(http, json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteString("hint", hint);
            json.WriteEndObject();
        });
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex ObjectIdPattern();
}
