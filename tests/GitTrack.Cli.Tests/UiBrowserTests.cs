using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The page of <c>gittrack ui</c> in Debian's Chromium (headless), driven by playwright-core from
/// src/GitTrack.Web/frontend/e2e/run.mjs against the real process. Skipped, with the reason, where Chromium, Node
/// or the front end's node_modules (npm ci) are missing; .ci/run installs all three.
/// </summary>
public sealed class UiBrowserTests : IDisposable
{
    private const string XssName = "<img src=x onerror=alert(1)>";
    private readonly TempGitRepo _repo = new();

    public UiBrowserTests() => TrainingScript.AddTo(_repo);

    public void Dispose() => _repo.Dispose();

    internal static string FrontendDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                return Path.Combine(dir.FullName, "src", "GitTrack.Web", "frontend");
        throw new InvalidOperationException("GitTrack.sln not found above the test binaries");
    }

    internal static void SkipUnlessBrowserAvailable()
    {
        Requirement.That(File.Exists("/usr/bin/chromium"), "Chromium is not installed (apt-get install chromium; .ci/run does)");
        Requirement.That(ProcessRunner.IsOnPath("node"), "Node.js is not installed");
        Requirement.That(Directory.Exists(Path.Combine(FrontendDir(), "node_modules", "playwright-core")),
            "playwright-core is not installed (npm ci in src/GitTrack.Web/frontend; .ci/run does)");
    }

    internal static JsonElement RunScript(UiProcess ui, string mode, object args, string? screenshots = null)
    {
        var environment = new Dictionary<string, string> { ["GITTRACK_UI_URL"] = ui.Url.ToString() };
        if (screenshots is not null)
            environment["GITTRACK_SCREENSHOTS"] = screenshots;
        var result = ProcessRunner.Run("node", ["e2e/run.mjs", mode, JsonSerializer.Serialize(args)], FrontendDir(), environment);
        Assert.True(result.ExitCode == 0, $"e2e script failed ({result.ExitCode}): {result.Stderr}");
        var output = JsonDocument.Parse(result.Stdout).RootElement.Clone();
        Assert.False(output.TryGetProperty("error", out var error), $"in the browser: {error}\nserver: {ui.Stderr}");
        return output;
    }

    [SkippableFact]
    public void With_edits_allowed_the_page_sets_the_note_and_a_tag_renames_and_hides_a_run()
    {
        SkipUnlessBrowserAvailable();
        TrainingScript.Run(_repo, "keep", 0.1);
        TrainingScript.Run(_repo, "draft", 0.2);
        var id = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", "draft", "--json").Stdout).RootElement.GetProperty("id").GetString()!;
        using var ui = new UiProcess(_repo, "--allow-edits");

        var output = RunScript(ui, "edits", new { run = id, note = "best so far <b>not bold</b>", tag = "stage=final", name = "final-model" });
        var s = output.GetProperty("steps");

        Assert.Equal("final-model", s.GetProperty("renamedTo").GetString());
        Assert.Equal(["keep"], s.GetProperty("namesAfterHide").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(output.GetProperty("dialogs").EnumerateArray(), d => d.GetString()!.StartsWith("Hide run final-model?", StringComparison.Ordinal));
        // What the page did is on the branch, as the CLI would have done it.
        var shown = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", id, "--json").Stdout).RootElement;
        Assert.Equal("final-model", shown.GetProperty("name").GetString());
        Assert.Equal("best so far <b>not bold</b>", shown.GetProperty("note").GetString());
        Assert.Equal("final", shown.GetProperty("tags").GetProperty("stage").GetString());
        Assert.NotEqual(JsonValueKind.Null, shown.GetProperty("removed_at").ValueKind);
        Assert.DoesNotContain("final-model", GitTrackProcess.Run(_repo, "ls").Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Run_view_follows_a_run_while_it_is_recorded()
    {
        SkipUnlessBrowserAvailable();
        // 120 points over about 12 s: gittrack checkpoints every 5 s, so the page sees the run grow, then end.
        _repo.WriteFile("grow.sh", """
            i=0
            while [ $i -lt 120 ]; do
              echo "{\"type\":\"metric\",\"name\":\"loss\",\"value\":$i,\"step\":$i}" >> "$GITTRACK_EVENTS"
              i=$((i+1)); sleep 0.1
            done

            """);
        _repo.Commit("add grow.sh");
        TrainingScript.Run(_repo, "earlier", 0.1);
        using var ui = new UiProcess(_repo);

        var output = RunScript(ui, "grow", new
        {
            name = "growing",
            cwd = _repo.Root,
            env = _repo.Environment,
            command = (string[])[.. GitTrackProcess.CommandLine, "run", "-n", "growing", "--", "sh", "grow.sh"],
        });
        var s = output.GetProperty("steps");

        Assert.Equal(0, s.GetProperty("exitCode").GetInt32());
        Assert.Equal("running", s.GetProperty("statusFirst").GetString());
        Assert.InRange(s.GetProperty("countFirst").GetInt32(), 1, 119);
        Assert.Equal(120, s.GetProperty("countLast").GetInt32());
        Assert.Equal("completed", s.GetProperty("statusLast").GetString());
        Assert.True(s.GetProperty("notReloaded").GetBoolean());
    }

    [SkippableFact]
    public void A_sweep_is_shown_as_parallel_coordinates_scatters_and_a_chart_grid_and_brushing_narrows_the_table()
    {
        SkipUnlessBrowserAvailable();
        // Each trial logs a loss curve (lr, depth and its own number make every run's values differ), a metric
        // logged once, and a system/ metric.
        _repo.WriteFile("trial.sh", """
            #!/bin/sh
            param() { sed -n "s/^ *\"$1\": *\([^,]*\),\{0,1\}\$/\1/p" "$GITTRACK_PARAMS"; }
            n=${GITTRACK_RUN_NAME##*/}
            awk -v lr="$(param lr)" -v d="$(param depth)" -v n="$n" 'BEGIN {
              for (i = 0; i < 20; i++) printf "{\"type\":\"metric\",\"name\":\"loss\",\"value\":%.9g,\"step\":%d}\n", exp(-lr * d * i / 5) + n / 1000, i
              printf "{\"type\":\"metric\",\"name\":\"final_acc\",\"value\":%.9g}\n", 0.5 + lr * d + n / 1000
              for (i = 0; i < 3; i++) printf "{\"type\":\"metric\",\"name\":\"system/cpu_percent\",\"value\":%d,\"step\":%d}\n", 40 + 10 * i, i
            }' >> "$GITTRACK_EVENTS"
            """.Replace("\r", "", StringComparison.Ordinal));
        _repo.Commit("add trial.sh");
        var sweep = ProcessRunner.Run(GitTrackProcess.CommandLine[0], [.. GitTrackProcess.CommandLine[1..], "sweep", "--name", "lr-search", "-j", "2",
            "-p", "lr=0.1,0.2,0.2", "-p", "depth=1..2", "--metric", "loss", "--tag", $"note={XssName}", "--", "sh", "trial.sh"],
            _repo.Root, _repo.Environment, timeout: TimeSpan.FromMinutes(10));
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        var parent = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", "lr-search", "--json").Stdout).RootElement;
        var trials = parent.GetProperty("children").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(6, trials.Count);
        using var ui = new UiProcess(_repo);

        var output = RunScript(ui, "sweep", new { sweep = parent.GetProperty("id").GetString(), param = "lr", metric = "loss", once = "final_acc" },
            Environment.GetEnvironmentVariable("GITTRACK_SCREENSHOTS"));
        var s = output.GetProperty("steps");
        string[] Strings(string name) => [.. s.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

        // Parallel coordinates: an axis per varying param and the sweep's metric, a line per trial, really drawn.
        Assert.Equal(["p:depth", "p:lr", "m:loss"], Strings("axes"));
        Assert.Equal(6, s.GetProperty("lines").GetInt32());
        Assert.True(s.GetProperty("drawnPixels").GetInt32() > 2000, $"only {s.GetProperty("drawnPixels")} pixels drawn");
        Assert.Equal(6, s.GetProperty("tableRowsBefore").GetInt32());
        // The scatter of lr against loss: six marks although lr repeats (0.1, 0.2, 0.2 at each depth), each hover naming its run.
        var names = Enumerable.Range(1, 6).Select(i => $"lr-search/0{i}").ToArray();
        Assert.Equal(6, s.GetProperty("scatterCount").GetInt32());
        Assert.Equal(names, Strings("hovered"));
        Assert.Equal(6, s.GetProperty("paintedMarks").GetInt32());
        // Brushing the upper half of the lr axis keeps the four runs with lr 0.2, in the plot and in the table; a click clears it.
        Assert.Equal(4, s.GetProperty("activeAfterBrush").GetInt32());
        Assert.Equal(["lr-search/02", "lr-search/03", "lr-search/05", "lr-search/06"], Strings("tableNamesAfterBrush"));
        Assert.Equal(6, s.GetProperty("tableRowsAfterClear").GetInt32());
        // The curves: two or three columns on a wide screen, bars for the metric logged once, system/ in its own group.
        Assert.InRange(s.GetProperty("gridColumns").GetInt32(), 2, 3);
        Assert.All(s.GetProperty("chartWidths").EnumerateArray(), w => Assert.True(w.GetInt32() > 380, $"a chart {w} px wide"));
        Assert.Equal(6, s.GetProperty("bars").GetInt32());
        Assert.Equal(0, s.GetProperty("lineChartOfOnce").GetInt32());
        Assert.Equal(["system/cpu_percent"], Strings("systemCharts"));
        Assert.Equal(0, s.GetProperty("imgElements").GetInt32());
        Assert.Empty(output.GetProperty("dialogs").EnumerateArray());

        // The runs table: tags as chips; status hidden, loss pinned beside the name, started moved right, all in the
        // URL, and a second page opened from that URL shows the same columns.
        Assert.True(s.GetProperty("tagChips").GetInt32() > 6);
        var headers = Strings("headersAfter");
        Assert.Equal(["name", "m:loss"], headers[..2]);
        Assert.DoesNotContain("status", headers);
        Assert.True(Array.IndexOf(headers, "started") > Array.IndexOf(headers, "duration"), string.Join(",", headers));
        Assert.Contains("cols=", s.GetProperty("hash").GetString());
        Assert.Contains("pin=m%3Aloss", s.GetProperty("hash").GetString());
        Assert.Equal(headers, Strings("headersShared"));
        // Scrolled sideways, the last column is reachable and the name column stays where it was.
        Assert.True(s.GetProperty("overflow").GetInt32() > 0, "the table fits: nothing to scroll");
        var after = s.GetProperty("afterScroll");
        Assert.True(after.GetProperty("scrolled").GetInt32() > 0);
        Assert.True(after.GetProperty("lastVisible").GetBoolean());
        Assert.Equal(s.GetProperty("nameLeftBefore").GetDouble(), after.GetProperty("nameLeft").GetDouble(), 1.0);
        Assert.Equal(s.GetProperty("nameLeftBefore").GetDouble(), after.GetProperty("nameCellLeft").GetDouble(), 1.5);
    }

    [SkippableFact]
    public void Runs_table_fetches_a_page_at_a_time_and_sorts_and_filters_on_the_server()
    {
        SkipUnlessBrowserAvailable();
        // 120 runs, one commit: more than the table's page of 100.
        var dirs = Core.Storage.GitDirectories.Discover(_repo.Root);
        var source = Core.Storage.WorkTreeSnapshot.Capture(dirs);
        using (var store = Core.Storage.RunStore.Open(dirs))
            for (var i = 0; i < 120; i++)
            {
                var started = RunSeeder.T0.AddMinutes(i);
                store.Create(new Core.Runs.RunRecord
                {
                    Id = Core.Runs.RunId.New(started).Value,
                    Name = $"run-{i:D3}",
                    Status = Core.Runs.RunStatus.Completed,
                    ExitCode = 0,
                    StartedAt = started,
                    EndedAt = started.AddSeconds(30),
                    Command = ["true"],
                    Source = source,
                    Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["i"] = (long)i },
                });
            }
        using var ui = new UiProcess(_repo);

        var output = RunScript(ui, "paging", new { total = 120, last = "run-119", filter = "params.i >= 110" });
        var s = output.GetProperty("steps");

        // The first screen is one page of 100 (newest first, the server's default order), with the count of all.
        Assert.Equal(100, s.GetProperty("firstLoaded").GetInt32());
        var first = Assert.Single(s.GetProperty("firstRequests").EnumerateArray());
        Assert.Equal("100", first.GetProperty("limit").GetString());
        Assert.Equal("100 of 120 runs loaded", s.GetProperty("firstCount").GetString());
        Assert.True(s.GetProperty("domRows").GetInt32() < 100, "only the rows in view are drawn");
        Assert.Equal("20 more", s.GetProperty("moreButton").GetString());
        // Scrolled to the end: the next page is fetched from offset 100, and nothing more is left.
        Assert.Equal(120, s.GetProperty("afterScrollLoaded").GetInt32());
        Assert.Contains(s.GetProperty("scrollRequests").EnumerateArray(), r => r.TryGetProperty("offset", out var o) && o.GetString() == "100");
        Assert.Equal("120 runs", s.GetProperty("afterScrollCount").GetString());
        Assert.True(s.GetProperty("moreHidden").GetBoolean());
        // Sorted by name (descending on the first click) by the server.
        Assert.Contains(s.GetProperty("sortRequests").EnumerateArray(), r => r.TryGetProperty("sort", out var o) && o.GetString() == "-name");
        Assert.Equal("run-119", s.GetProperty("firstAfterSort").GetString());
        // Filtered by the server in the query language.
        Assert.Contains(s.GetProperty("filterRequests").EnumerateArray(), r => r.GetProperty("filter").GetString() == "params.i >= 110");
        Assert.Equal("10 of 120 runs match", s.GetProperty("filterCount").GetString());
        Assert.Equal(10, s.GetProperty("filterLoaded").GetInt32());
        Assert.Empty(output.GetProperty("consoleErrors").EnumerateArray());
    }

    [SkippableFact]
    public void Page_shows_runs_charts_and_comparison_and_never_runs_recorded_text()
    {
        SkipUnlessBrowserAvailable();
        _repo.WriteFile("model.bin", "weights");
        TrainingScript.Run(_repo, "baseline", 0.1, extra: ["-a", "model.bin"]);
        _repo.WriteFile("model.py", "layers = 3\n");
        TrainingScript.Run(_repo, "deeper", 0.3);
        TrainingScript.Run(_repo, XssName, 0.2);
        using var ui = new UiProcess(_repo);

        var live = new
        {
            name = "late",
            cwd = _repo.Root,
            env = _repo.Environment,
            command = (string[])[.. GitTrackProcess.CommandLine, "run", "-n", "late", "--", "sh", "train.sh", "0.5", "10"],
        };
        var output = RunScript(ui, "checks", new { xss = XssName, a = "baseline", b = "deeper", filter = "deep", live },
            Environment.GetEnvironmentVariable("GITTRACK_SCREENSHOTS"));
        var s = output.GetProperty("steps");

        // The table: every run, the XSS name as plain text, no element made from it, no alert.
        Assert.Equal(3, s.GetProperty("rows").GetInt32());
        Assert.True(s.GetProperty("xssShownAsText").GetBoolean());
        Assert.Equal(0, s.GetProperty("imgElements").GetInt32());
        Assert.Equal(0, s.GetProperty("imgElementsOnRun").GetInt32());
        Assert.Equal(XssName, s.GetProperty("xssRunName").GetString());
        Assert.Empty(output.GetProperty("dialogs").EnumerateArray());
        // Sorting by name (descending first), then filtering.
        Assert.Equal(["deeper", "baseline", XssName], s.GetProperty("sortedNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["deeper"], s.GetProperty("filteredNames").EnumerateArray().Select(n => n.GetString()));

        // The run view: a chart drawn on a canvas of real size, the log as text.
        Assert.Equal("baseline", s.GetProperty("runName").GetString());
        var canvas = s.GetProperty("canvases")[0];
        Assert.True(canvas[0].GetInt32() > 100 && canvas[1].GetInt32() > 100, $"canvas {canvas}");
        Assert.StartsWith("trained with lr=0.1", s.GetProperty("logStart").GetString());
        Assert.True(s.GetProperty("logScaleCanvases").GetInt32() >= 1);
        // Its metrics table (last, min, max, points) is read from the history, its artifact link fetches the file.
        var lossRow = s.GetProperty("lossRow").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(["1", "50"], lossRow[2..].AsEnumerable());
        Assert.False(string.IsNullOrEmpty(s.GetProperty("hostField").GetString()));
        Assert.Matches("^/api/artifacts/[0-9a-f]{64}\\?name=model\\.bin$", Assert.Single(s.GetProperty("artifactLinks").EnumerateArray()).GetString());
        Assert.Equal("weights", s.GetProperty("artifactBody").GetString());

        // Compare: both runs overlaid, differing rows marked, a scatter, the code diff.
        Assert.Equal(["baseline", "deeper"], s.GetProperty("compareLegend").EnumerateArray().Select(n => n.GetString()).Order());
        Assert.True(s.GetProperty("compareCanvases").GetInt32() >= 1);
        Assert.Contains("lr", s.GetProperty("differingRows").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(1, s.GetProperty("scatterCanvas").GetInt32());
        Assert.Contains("model.py", s.GetProperty("diffStat").GetString());

        Assert.Contains(XssName, s.GetProperty("compareAllHeaders").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, s.GetProperty("imgElementsOnCompareAll").GetInt32());
        Assert.Empty(output.GetProperty("dialogs").EnumerateArray());

        // A run recorded while the page was open appeared in its table without a reload.
        Assert.True(s.GetProperty("liveAppeared").GetBoolean());

        // Path traversal from the page: refused, never a file.
        foreach (var status in s.GetProperty("traversal").EnumerateObject())
            Assert.True(status.Value.GetInt32() is 400 or 404, $"{status.Name} answered {status.Value}");
    }

    [SkippableFact]
    public void Page_shows_a_float_param_as_a_float_in_the_table_the_run_and_the_comparison()
    {
        SkipUnlessBrowserAvailable();
        foreach (var (name, x, n) in new[] { ("ones", "1.0", "1"), ("halves", "2.5", "1") })
        {
            var result = GitTrackProcess.Run(_repo, "run", "-n", name, "-p", $"x={x}", "-p", $"n={n}", "-p", "same=1.0", "--", "true");
            Assert.True(result.ExitCode == 0, result.Stderr);
        }
        using var ui = new UiProcess(_repo);

        var s = RunScript(ui, "params", new { a = "ones", b = "halves", key = "x" }).GetProperty("steps");

        Assert.Equal("1.0", s.GetProperty("table").GetProperty("ones").GetString());
        Assert.Equal("2.5", s.GetProperty("table").GetProperty("halves").GetString());
        Assert.Equal("1.0", s.GetProperty("run").GetProperty("x").GetString());
        Assert.Equal("1", s.GetProperty("run").GetProperty("n").GetString());
        Assert.Equal("1.0", s.GetProperty("run").GetProperty("same").GetString());
        Assert.Equal(["1.0", "2.5"], s.GetProperty("compare").EnumerateArray().Select(c => c.GetString()!).Order());
        Assert.Contains("x", s.GetProperty("compareDiffers").EnumerateArray().Select(c => c.GetString()));
    }
}
