using System.Net;
using System.Text;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>The JSON API of <c>gittrack ui</c>, queried over HTTP from the real process serving a real repository.</summary>
public sealed class UiApiTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public UiApiTests() => TrainingScript.AddTo(_repo);

    public void Dispose() => _repo.Dispose();

    private static async Task<JsonElement> GetJson(UiProcess ui, string path)
    {
        using var response = await ui.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string IdOf(JsonElement runs, string name) =>
        runs.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;

    [Fact]
    public async Task Runs_list_has_the_params_metrics_tags_and_status_of_recorded_runs()
    {
        TrainingScript.Run(_repo, "slow", 0.1, extra: ["-t", "stage=baseline"]);
        TrainingScript.Run(_repo, "fast", 0.5);
        using var ui = new UiProcess(_repo);

        Assert.StartsWith("gittrack ui: http://127.0.0.1:", ui.FirstLine);
        var list = await GetJson(ui, "/api/runs");
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        var slow = list.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "slow");
        Assert.Equal("completed", slow.GetProperty("status").GetString());
        Assert.Equal(0.1, slow.GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal(Math.Exp(-0.1 * 49 / 10), slow.GetProperty("metrics").GetProperty("loss").GetDouble(), 6);
        Assert.Equal("baseline", slow.GetProperty("tags").GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("parent").ValueKind);
    }

    [Fact]
    public async Task A_run_started_inside_another_names_it_as_parent()
    {
        var result = GitTrackProcess.Run(_repo, ["run", "-n", "sweep", "--", .. GitTrackProcess.CommandLine, "run", "-n", "child", "--", "sh", "train.sh", "0.1", "5"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var ui = new UiProcess(_repo);

        var list = await GetJson(ui, "/api/runs");
        var child = list.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "child");
        Assert.Equal(IdOf(list, "sweep"), child.GetProperty("parent").GetString());
    }

    [Fact]
    public async Task Filter_parameter_narrows_the_list_by_name()
    {
        TrainingScript.Run(_repo, "baseline-a", 0.1);
        TrainingScript.Run(_repo, "other", 0.2);
        using var ui = new UiProcess(_repo);

        var list = await GetJson(ui, "/api/runs?filter=BASELINE");
        Assert.Equal(["baseline-a"], list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(2, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Runs_are_sorted_and_paged_on_the_server_and_sent_compressed()
    {
        foreach (var (name, lr) in new[] { ("a", 0.3), ("b", 0.1), ("c", 0.2), ("d", 0.4) })
            RunSeeder.Add(_repo, run => run with { Name = name, Params = new Dictionary<string, object> { ["lr"] = lr } });
        using var ui = new UiProcess(_repo);

        var page = await GetJson(ui, "/api/runs?filter=params.lr%20%3C%200.35&sort=-params.lr&offset=1&limit=1");
        Assert.Equal(["c"], page.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(4, page.GetProperty("total").GetInt32());
        Assert.Equal(3, page.GetProperty("matched").GetInt32());
        Assert.Equal(1, page.GetProperty("offset").GetInt32());
        // Without limit every match comes, as before paging existed.
        Assert.Equal(4, (await GetJson(ui, "/api/runs")).GetProperty("runs").GetArrayLength());
        using (var bad = await ui.Client.GetAsync("/api/runs?limit=-1"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var raw = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = ui.Url };
        foreach (var encoding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
            request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
            using var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
            await using var body = await response.Content.ReadAsStreamAsync();
            await using Stream decoded = encoding == "br"
                ? new System.IO.Compression.BrotliStream(body, System.IO.Compression.CompressionMode.Decompress)
                : new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress);
            var list = await JsonDocument.ParseAsync(decoded);
            Assert.Equal(4, list.RootElement.GetProperty("runs").GetArrayLength());
        }
    }

    [Fact]
    public async Task Filter_parameter_takes_the_query_language_and_a_bad_expression_is_a_400()
    {
        TrainingScript.Run(_repo, "slow", 0.1);
        TrainingScript.Run(_repo, "fast", 0.3);
        using var ui = new UiProcess(_repo);

        var list = await GetJson(ui, "/api/runs?filter=" + Uri.EscapeDataString("params.lr > 0.2 and status = completed"));
        Assert.Equal(["fast"], list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        using var bad = await ui.Client.GetAsync("/api/runs?filter=" + Uri.EscapeDataString("params.lr <"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("bad filter", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task One_run_has_what_show_has_and_its_log_is_served_as_text()
    {
        TrainingScript.Run(_repo, "one", 0.3);
        using var ui = new UiProcess(_repo);
        var id = IdOf(await GetJson(ui, "/api/runs"), "one");

        var run = await GetJson(ui, $"/api/runs/{id}");
        Assert.Equal("one", run.GetProperty("name").GetString());
        Assert.Equal(["sh", "train.sh", "0.3", "50", "-1"], run.GetProperty("command").EnumerateArray().Select(a => a.GetString()));
        var loss = Assert.Single(run.GetProperty("history").EnumerateObject(), m => m.Name == "loss").Value;
        Assert.Equal(50, loss.GetProperty("count").GetInt32());
        Assert.Equal(1.0, loss.GetProperty("max").GetDouble());
        Assert.Matches("^[0-9a-f]{40}$", run.GetProperty("source").GetProperty("tree").GetString());

        using var log = await ui.Client.GetAsync($"/api/runs/{id}/log");
        Assert.Equal("text/plain", log.Content.Headers.ContentType?.MediaType);
        Assert.Contains("trained with lr=0.3", await log.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Fields the API writes that <c>gittrack show/ls --json</c> do not (docs/ui.md): none today; a field added to the
    /// API alone must be listed here and there.
    /// </summary>
    private static readonly string[] ApiOnlyRecordFields = [], ApiOnlySummaryFields = [];

    [Fact]
    public async Task Api_writes_a_run_and_the_run_list_as_show_json_and_ls_json_print_them()
    {
        _repo.WriteFile("model.bin", "weights");
        var sweep = GitTrackProcess.Run(_repo, ["run", "-n", "sweep", "-p", "lr=0.1", "-p", "depth=3", "-p", "opt=adam", "-p", "warm=true",
            "-t", "stage=baseline", "--note", "first try", "-a", "model.bin",
            "--", .. GitTrackProcess.CommandLine, "run", "-n", "child", "--", "sh", "train.sh", "0.1", "5"]);
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        TrainingScript.Run(_repo, "plain", 0.3);
        using var ui = new UiProcess(_repo);
        var list = await GetJson(ui, "/api/runs");

        foreach (var name in new[] { "sweep", "child", "plain" })
        {
            var id = IdOf(list, name);
            var shown = GitTrackProcess.Run(_repo, "show", id, "--json");
            Assert.True(shown.ExitCode == 0, shown.Stderr);
            AssertSameFields(JsonDocument.Parse(shown.Stdout).RootElement, await GetJson(ui, $"/api/runs/{id}"), ApiOnlyRecordFields, $"run {name}");
        }
        var sweepRecord = await GetJson(ui, $"/api/runs/{IdOf(list, "sweep")}");
        Assert.Equal([IdOf(list, "child")], sweepRecord.GetProperty("children").EnumerateArray().Select(c => c.GetString()));
        var childRecord = await GetJson(ui, $"/api/runs/{IdOf(list, "child")}");
        Assert.Equal(5, childRecord.GetProperty("history").GetProperty("loss").GetProperty("count").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", sweepRecord.GetProperty("artifacts")[0].GetProperty("blake3").GetString());

        var listed = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var cliRuns = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().ToArray();
        var apiRuns = list.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(cliRuns.Select(r => r.GetProperty("id").GetString()), apiRuns.Select(r => r.GetProperty("id").GetString()));
        for (var i = 0; i < cliRuns.Length; i++)
            AssertSameFields(cliRuns[i], apiRuns[i], ApiOnlySummaryFields, $"summary of {cliRuns[i].GetProperty("name").GetString()}");
    }

    /// <summary>Every field of the CLI's JSON is in the API's, equal; the API has no other field but <paramref name="apiOnly"/>.</summary>
    private static void AssertSameFields(JsonElement cli, JsonElement api, string[] apiOnly, string what)
    {
        foreach (var field in cli.EnumerateObject())
        {
            Assert.True(api.TryGetProperty(field.Name, out var value), $"{what}: the API has no '{field.Name}'");
            Assert.True(JsonElement.DeepEquals(field.Value, value), $"{what}: '{field.Name}' is {field.Value} in the CLI, {value} in the API");
        }
        var extra = api.EnumerateObject().Select(f => f.Name).Where(n => !cli.TryGetProperty(n, out _)).ToArray();
        Assert.Equal(apiOnly, extra);
    }

    [Fact]
    public async Task Metric_history_is_downsampled_to_2000_points_keeping_the_extremes()
    {
        TrainingScript.Run(_repo, "long", 0.001, points: 100_000, spike: 54_321);
        using var ui = new UiProcess(_repo);
        var id = IdOf(await GetJson(ui, "/api/runs"), "long");

        var metrics = await GetJson(ui, $"/api/runs/{id}/metrics");
        var loss = metrics.GetProperty("series").EnumerateArray().Single();
        Assert.Equal(100_000, loss.GetProperty("count").GetInt32());
        var x = loss.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var y = loss.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(x.Length, 1000, 2000);
        Assert.Equal(x.Order(), x);
        Assert.Equal(0, x[0]);
        Assert.Equal(99_999, x[^1]);
        // The one spike survives, at its step: striding would have dropped it.
        Assert.Equal(100, y.Max());
        Assert.Equal(54_321, x[Array.IndexOf(y, 100.0)]);
    }

    [Fact]
    public async Task Compare_and_diff_cover_two_runs_with_different_code()
    {
        TrainingScript.Run(_repo, "before", 0.1);
        _repo.WriteFile("model.py", "layers = 3\n");
        TrainingScript.Run(_repo, "after", 0.2);
        using var ui = new UiProcess(_repo);
        var list = await GetJson(ui, "/api/runs");
        string a = IdOf(list, "before"), b = IdOf(list, "after");

        var compare = await GetJson(ui, $"/api/compare?ids={a},{b}&x=time");
        Assert.Equal("time", compare.GetProperty("x").GetString());
        Assert.Equal(["before", "after"], compare.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run").GetProperty("name").GetString()));
        Assert.All(compare.GetProperty("runs").EnumerateArray(), r => Assert.Equal(50, r.GetProperty("series")[0].GetProperty("count").GetInt32()));

        var diff = await GetJson(ui, $"/api/diff?a={a}&b={b}");
        Assert.Contains("model.py", diff.GetProperty("stat").GetString());
        Assert.Contains("+layers = 3", diff.GetProperty("patch").GetString());
    }

    [Fact]
    public async Task Artifact_is_downloaded_by_its_cache_key()
    {
        _repo.WriteFile("model.bin", "weights");
        TrainingScript.Run(_repo, "with-model", 0.1, extra: ["-a", "model.bin"]);
        using var ui = new UiProcess(_repo);
        var run = await GetJson(ui, $"/api/runs/{IdOf(await GetJson(ui, "/api/runs"), "with-model")}");
        var key = run.GetProperty("artifacts")[0].GetProperty("blake3").GetString();

        using var response = await ui.Client.GetAsync($"/api/artifacts/{key}?name=model.bin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("weights", await response.Content.ReadAsStringAsync());
        Assert.Equal("model.bin", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("/api/artifacts/..%2F..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("/api/artifacts/%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("/api/artifacts/..%2Fgittrack%2Findex%2Fruns.bin", HttpStatusCode.BadRequest)]
    [InlineData("/api/artifacts/0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    [InlineData("/assets/..%2F..%2Fgittrack.dll", HttpStatusCode.NotFound)]
    [InlineData("/%2E%2E/%2E%2E/etc/passwd", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/..%2F..%2Fetc", HttpStatusCode.NotFound)]
    public async Task Paths_outside_the_cache_and_the_page_are_refused(string path, HttpStatusCode expected)
    {
        TrainingScript.Run(_repo, "r", 0.1);
        using var ui = new UiProcess(_repo);
        // Sent as written: HttpClient would otherwise fold the dots away before the server sees them.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ui.Url, new Uri(path, UriKind.Relative)));
        using var response = await ui.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_and_its_assets_are_served_with_a_script_policy()
    {
        using var ui = new UiProcess(_repo);
        using var page = await ui.Client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        using var js = await ui.Client.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Version_follows_the_runs_branch_without_a_restart()
    {
        using var ui = new UiProcess(_repo);
        var before = await GetJson(ui, "/api/version");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("tip").ValueKind);

        TrainingScript.Run(_repo, "later", 0.1);
        // An opaque token (branch tips and local checkpoints), which moves whenever the runs do.
        var after = (await GetJson(ui, "/api/version")).GetProperty("tip").GetString();
        Assert.False(string.IsNullOrEmpty(after));
        TrainingScript.Run(_repo, "latest", 0.1);
        Assert.NotEqual(after, (await GetJson(ui, "/api/version")).GetProperty("tip").GetString());
        Assert.Equal("latest", (await GetJson(ui, "/api/runs")).GetProperty("runs")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Requests_naming_another_host_are_refused()
    {
        using var ui = new UiProcess(_repo);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/version");
        request.Headers.Host = "attacker.example";
        using var response = await ui.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task Edits_are_refused_when_read_only()
    {
        TrainingScript.Run(_repo, "r", 0.1);
        using var ui = new UiProcess(_repo);
        var id = IdOf(await GetJson(ui, "/api/runs"), "r");
        var session = await GetJson(ui, "/api/session");
        Assert.False(session.GetProperty("edits").GetBoolean());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("token").ValueKind);

        using var response = await ui.Client.PostAsync($"/api/runs/{id}/edit", Json("""{"note":"x"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Edits_need_the_token_the_page_received()
    {
        TrainingScript.Run(_repo, "r", 0.1);
        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = IdOf(await GetJson(ui, "/api/runs"), "r");
        var token = (await GetJson(ui, "/api/session")).GetProperty("token").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", token);
        var tipBefore = _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim();

        using (var noToken = await ui.Client.PostAsync($"/api/runs/{id}/edit", Json("""{"note":"no"}""")))
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{id}/edit") { Content = Json("""{"note":"no"}""") })
        {
            wrong.Headers.Add("X-GitTrack-Token", new string('0', 64));
            using var response = await ui.Client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal(tipBefore, _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim());

        using var right = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{id}/edit") { Content = Json("""{"note":"best so far","set_tags":{"stage":"final"}}""") };
        right.Headers.Add("X-GitTrack-Token", token);
        using (var response = await ui.Client.SendAsync(right))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var shown = GitTrackProcess.Run(_repo, "show", id, "--json");
        var run = JsonDocument.Parse(shown.Stdout).RootElement;
        Assert.Equal("best so far", run.GetProperty("note").GetString());
        Assert.Equal("final", run.GetProperty("tags").GetProperty("stage").GetString());
        Assert.Equal(50, run.GetProperty("history").GetProperty("loss").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Rename_with_the_token_shows_in_the_api_and_in_ls()
    {
        TrainingScript.Run(_repo, "r", 0.1);
        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = IdOf(await GetJson(ui, "/api/runs"), "r");
        var token = await TokenOf(ui);

        using (var response = await Post(ui, $"/api/runs/{id}/rename", token, """{"name":"best-lr"}"""))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("best-lr", JsonDocument.Parse(text).RootElement.GetProperty("name").GetString());
        }
        Assert.Equal(id, IdOf(await GetJson(ui, "/api/runs"), "best-lr"));
        Assert.Equal(["best-lr"], LsNames());
    }

    [Fact]
    public async Task Rename_and_delete_without_the_token_are_refused_and_change_nothing()
    {
        TrainingScript.Run(_repo, "r", 0.1);
        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = IdOf(await GetJson(ui, "/api/runs"), "r");
        var tipBefore = _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim();

        using (var rename = await ui.Client.PostAsync($"/api/runs/{id}/rename", Json("""{"name":"other"}""")))
            Assert.Equal(HttpStatusCode.Forbidden, rename.StatusCode);
        using (var delete = await Post(ui, $"/api/runs/{id}/delete", new string('0', 64), "{}"))
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);

        Assert.Equal(tipBefore, _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim());
        Assert.Equal(id, IdOf(await GetJson(ui, "/api/runs"), "r"));
    }

    [Fact]
    public async Task Delete_hides_the_run_until_gittrack_restore_brings_it_back()
    {
        TrainingScript.Run(_repo, "keep", 0.1);
        TrainingScript.Run(_repo, "drop", 0.5);
        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = IdOf(await GetJson(ui, "/api/runs"), "drop");
        var token = await TokenOf(ui);

        using (var response = await Post(ui, $"/api/runs/{id}/delete", token, "{}"))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var list = await GetJson(ui, "/api/runs");
        Assert.Equal(["keep"], list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(["keep"], LsNames());

        var restore = GitTrackProcess.Run(_repo, "restore", id);
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.Equal(id, IdOf(await GetJson(ui, "/api/runs"), "drop"));
        Assert.Equal(["drop", "keep"], LsNames().Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Restore_endpoint_lists_a_hidden_run_again()
    {
        TrainingScript.Run(_repo, "r", 0.1);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "rm", "r").ExitCode);
        using var ui = new UiProcess(_repo, "--allow-edits");
        Assert.Equal(0, (await GetJson(ui, "/api/runs")).GetProperty("total").GetInt32());

        using (var response = await Post(ui, "/api/runs/r/restore", await TokenOf(ui), "{}"))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["r"], LsNames());
        Assert.Equal(1, (await GetJson(ui, "/api/runs")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Renaming_to_a_name_another_run_has_is_a_400_with_the_message()
    {
        TrainingScript.Run(_repo, "first", 0.1);
        TrainingScript.Run(_repo, "second", 0.5);
        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = IdOf(await GetJson(ui, "/api/runs"), "second");
        var token = await TokenOf(ui);
        var tipBefore = _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim();

        using var response = await Post(ui, $"/api/runs/{id}/rename", token, """{"name":"first"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("the name 'first' is already used by run ", error.GetProperty("error").GetString());
        Assert.Equal(tipBefore, _repo.Git("rev-parse", "refs/heads/gittrack/runs").Trim());
    }

    private string[] LsNames()
    {
        var ls = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        return JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray();
    }

    private static async Task<string> TokenOf(UiProcess ui) => (await GetJson(ui, "/api/session")).GetProperty("token").GetString()!;

    private static Task<HttpResponseMessage> Post(UiProcess ui, string path, string token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Add("X-GitTrack-Token", token);
        return ui.Client.SendAsync(request);
    }

    [Fact]
    public void Binding_beyond_loopback_warns_on_stderr()
    {
        using var ui = new UiProcess(_repo, "--host", "0.0.0.0");
        Assert.Contains("warning: listening on 0.0.0.0", WaitFor(() => ui.Stderr, s => s.Contains("warning", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_host_that_is_not_an_address_or_a_busy_port_is_an_input_error()
    {
        var badHost = GitTrackProcess.Run(_repo, "ui", "--host", "nonsense");
        Assert.Equal(2, badHost.ExitCode);
        Assert.Equal("gittrack: 'nonsense' is not an IP address (give --host an address such as 127.0.0.1 or 0.0.0.0)", badHost.Stderr.Trim());

        using var ui = new UiProcess(_repo);
        var busy = GitTrackProcess.Run(_repo, "ui", "--port", ui.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, busy.ExitCode);
        Assert.StartsWith($"gittrack: cannot listen on 127.0.0.1:{ui.Url.Port}", busy.Stderr);
        Assert.DoesNotContain("   at ", busy.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Loopback_binding_prints_no_warning()
    {
        using var ui = new UiProcess(_repo);
        Assert.StartsWith("gittrack ui: http://127.0.0.1:", ui.FirstLine);
        Assert.Equal("", ui.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_server_with_exit_0()
    {
        using var ui = new UiProcess(_repo);
        await GetJson(ui, "/api/version");
        Assert.Equal(0, ui.Interrupt(TimeSpan.FromSeconds(20)));
    }

    private static string WaitFor(Func<string> read, Func<string, bool> done)
    {
        for (var i = 0; i < 100 && !done(read()); i++)
            Thread.Sleep(50);
        return read();
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
