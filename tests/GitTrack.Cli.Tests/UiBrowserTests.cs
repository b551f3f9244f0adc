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
