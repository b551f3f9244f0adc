using System.Diagnostics;
using System.Text.Json;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Web.Charts;
using GitTrack.Web.Hosting;

namespace GitTrack.Benchmarks;

/// <summary>
/// The web UI at scale: 10,000 runs (generated as <c>runstore --generate</c> does) plus one run with a
/// 1,000,000-point metric, served in-process by <see cref="UiServer"/>. Measures the API over loopback HTTP and,
/// where Debian's Chromium, Node and the front end's node_modules are present, the page in the browser (time until
/// the table's rows are drawn, until the 1M-point chart's canvas is drawn), through the e2e script's timing mode.
/// </summary>
public sealed class UiBenchmark : IBenchmark
{
    public string Name => "ui";
    public string Description => "web UI: API and page times over 10,000 runs and a 1,000,000-point metric";

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Run(string[] args)
    {
        // ui --repo DIR: the runs table's first screen over an existing repository (100,000 runs made by
        // 'runstore --generate DIR 100000'), paged as the page asks for it (docs/benchmarks.md "Scale").
        if (args is ["--repo", var repo, ..])
            return MeasurePaged(GitDirectories.Discover(repo)).GetAwaiter().GetResult();
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-ui-{Guid.NewGuid():N}");
        try
        {
            var sw = Stopwatch.StartNew();
            new RunStoreBenchmark().Run(["--generate", root, "10000"]);
            var dirs = GitDirectories.Discover(root);
            var big = AddMillionPointRun(dirs);
            Console.WriteLine($"(repository of 10,001 runs generated in {sw.Elapsed.TotalSeconds:F1} s)");
            Console.WriteLine();
            Console.WriteLine("| web UI, 10,001 runs | median |");
            Console.WriteLine("|---|---:|");
            MeasureApi(dirs, big).GetAwaiter().GetResult();
            MeasureParts(dirs, big);
            MeasureBrowser(dirs, big).GetAwaiter().GetResult();
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    private static string AddMillionPointRun(GitDirectories dirs)
    {
        var random = new Random(1);
        var points = new MetricPoint[1_000_000];
        var loss = 2.0;
        for (var i = 0; i < points.Length; i++)
        {
            loss = loss * 0.99999 + random.NextDouble() * 1e-3;
            points[i] = new MetricPoint("loss", loss, i, T0.AddMilliseconds(i * 2L));
        }
        using var store = RunStore.Open(dirs);
        // The generated runs' code will do for this one.
        var source = store.Get(store.List()[0].Id).Source;
        var run = store.Create(new RunRecord
        {
            Id = RunId.New(T0.AddDays(30)).Value,
            Name = "million",
            Status = RunStatus.Completed,
            ExitCode = 0,
            StartedAt = T0.AddDays(30),
            EndedAt = T0.AddDays(30).AddHours(1),
            Command = ["python", "train.py"],
            Source = source,
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = loss },
        }, points);
        return run.Id;
    }

    private static async Task MeasureApi(GitDirectories dirs, string big)
    {
        // Cold: a fresh server, so the run list and the history are read from the branch and the local index.
        var coldList = new List<double>();
        var coldMetric = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using var server = await UiServer.StartAsync(new UiOptions { Directories = dirs });
            using var client = new HttpClient { BaseAddress = server.Url };
            coldList.Add(await Time(client, "/api/runs"));
            coldMetric.Add(await Time(client, $"/api/runs/{big}/metrics"));
        }
        await using (var server = await UiServer.StartAsync(new UiOptions { Directories = dirs }))
        {
            using var client = new HttpClient { BaseAddress = server.Url };
            var version = new List<double>();
            var list = new List<double>();
            var metric = new List<double>();
            for (var i = 0; i < 9; i++)
            {
                version.Add(await Time(client, "/api/version"));
                list.Add(await Time(client, "/api/runs"));
                metric.Add(await Time(client, $"/api/runs/{big}/metrics"));
            }
            var body = await client.GetStringAsync($"/api/runs/{big}/metrics");
            var drawn = JsonDocument.Parse(body).RootElement.GetProperty("series")[0].GetProperty("x").GetArrayLength();
            var listBytes = (await client.GetByteArrayAsync("/api/runs")).Length;
            Console.WriteLine($"| GET /api/version (what the page polls every 2 s) | {Measure.MedianOf(version) * 1000:F1} ms |");
            Console.WriteLine($"| GET /api/runs, all 10,001 runs ({listBytes / 1e6:F1} MB of JSON), first request of a fresh server (3 servers) | {Measure.MedianOf(coldList) * 1000:F0} ms |");
            Console.WriteLine($"| GET /api/runs, warm | {Measure.MedianOf(list) * 1000:F0} ms |");
            Console.WriteLine($"| GET /api/runs/ID/metrics, 1,000,000 points read and downsampled to {drawn:N0}, fresh server (3 servers) | {Measure.MedianOf(coldMetric) * 1000:F0} ms |");
            Console.WriteLine($"| GET /api/runs/ID/metrics again (series kept for this branch tip) | {Measure.MedianOf(metric) * 1000:F0} ms |");
        }
    }

    /// <summary>Where the first metrics request's time goes: reading the history from git, then reducing it.</summary>
    private static void MeasureParts(GitDirectories dirs, string big)
    {
        using var store = RunStore.Open(dirs);
        var startedAt = store.Get(big).StartedAt;
        IReadOnlyList<MetricPoint> history = [];
        var read = Measure.Median(3, () => history = store.ReadHistory(big));
        var reduce = Measure.Median(5, () => MetricSeries.Of(history, startedAt, MetricSeries.Axis.Step, 2000));
        Console.WriteLine($"| of which RunStore.ReadHistory, 1,000,000 points (in-process) | {read * 1000:F0} ms |");
        Console.WriteLine($"| of which grouping and M4 reduction to 2,000 points (in-process) | {reduce * 1000:F0} ms |");
    }

    private static async Task MeasureBrowser(GitDirectories dirs, string big)
    {
        var frontend = FrontendDir();
        if (!File.Exists("/usr/bin/chromium") || frontend is null || !Directory.Exists(Path.Combine(frontend, "node_modules", "playwright-core")))
        {
            Console.WriteLine("| page in Chromium | skipped: needs /usr/bin/chromium and npm ci in src/GitTrack.Web/frontend |");
            return;
        }
        await using var server = await UiServer.StartAsync(new UiOptions { Directories = dirs });
        if (await TimingSteps(frontend, server.Url, JsonSerializer.Serialize(new { big })) is not { } steps)
            return;
        double MedianMs(string name) => Measure.MedianOf(steps.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()));
        Console.WriteLine($"| page: load until the runs table shows its rows ({steps.GetProperty("rows").GetString()}), Chromium headless, 5 loads | {MedianMs("tableMs"):F0} ms |");
        Console.WriteLine($"| page: sort 10,001 runs by name and redraw | {MedianMs("sortMs"):F0} ms |");
        Console.WriteLine($"| page: open the 1,000,000-point run until its chart canvas is drawn, 5 loads | {MedianMs("chartMs"):F0} ms |");
        Console.WriteLine($"| page: parallel coordinates of every run (#/plot: {steps.GetProperty("plotLines").GetInt32():N0} lines, {steps.GetProperty("plotAxes").GetInt32()} axes) from navigation until drawn, 5 loads | {MedianMs("plotMs"):F0} ms |");
        Console.WriteLine($"| of which drawing the lines and axes on the canvas (last load) | {steps.GetProperty("plotDrawMs").GetInt32()} ms |");
    }

    private static async Task<int> MeasurePaged(GitDirectories dirs)
    {
        var sw = Stopwatch.StartNew();
        int count;
        using (var store = RunStore.Open(dirs))
            count = store.Count();
        Console.WriteLine($"(index of {count:N0} runs brought up to date in {sw.Elapsed.TotalSeconds:F1} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Console.WriteLine();
        Console.WriteLine($"| web UI, {count:N0} runs, pages of 100 | median |");
        Console.WriteLine("|---|---:|");
        var pages = new (string What, string Path)[]
        {
            ("first screen: GET /api/runs?limit=100 (newest first)", "/api/runs?filter=&limit=100"),
            ("sorted by a metric: ?sort=-metrics.acc&limit=100", "/api/runs?filter=&sort=-metrics.acc&limit=100"),
            ("filtered and sorted: ?filter=params.lr < 0.01&sort=metrics.loss&limit=100", "/api/runs?filter=params.lr%20%3C%200.01&sort=metrics.loss&limit=100"),
            ("a page far down: ?offset=50000&limit=100", "/api/runs?filter=&offset=50000&limit=100"),
        };
        var cold = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using var server = await UiServer.StartAsync(new UiOptions { Directories = dirs });
            using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { BaseAddress = server.Url };
            cold.Add(await Time(client, pages[0].Path));
        }
        Console.WriteLine($"| {pages[0].What}, first request of a fresh server (3 servers) | {Measure.MedianOf(cold) * 1000:F0} ms |");
        await using (var server = await UiServer.StartAsync(new UiOptions { Directories = dirs }))
        {
            using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { BaseAddress = server.Url };
            foreach (var (what, path) in pages)
            {
                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                    times.Add(await Time(client, path));
                using var raw = new HttpClient { BaseAddress = server.Url };
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.AcceptEncoding.ParseAdd("gzip, br");
                using var response = await raw.SendAsync(request);
                var sent = (await response.Content.ReadAsByteArrayAsync()).Length;
                Console.WriteLine($"| {what}, warm, 5 requests ({sent / 1024.0:F0} KiB sent, {string.Join(",", response.Content.Headers.ContentEncoding)}) | {Measure.MedianOf(times) * 1000:F0} ms |");
            }
            await MeasurePagedBrowser(server);
        }
        Console.WriteLine($"| peak memory of the process serving these (VmHWM, server in-process with the client) | {PeakMiB():F0} MiB |");
        return 0;
    }

    private static async Task MeasurePagedBrowser(UiServer server)
    {
        var frontend = FrontendDir();
        if (!File.Exists("/usr/bin/chromium") || frontend is null || !Directory.Exists(Path.Combine(frontend, "node_modules", "playwright-core")))
        {
            Console.WriteLine("| page in Chromium | skipped: needs /usr/bin/chromium and npm ci in src/GitTrack.Web/frontend |");
            return;
        }
        if (await TimingSteps(frontend, server.Url, "{}") is not { } steps)
            return;
        double MedianMs(string name) => Measure.MedianOf(steps.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()));
        Console.WriteLine($"| page: first screen, from navigation until the table shows its rows ({steps.GetProperty("rows").GetString()}), Chromium headless, 5 loads | {MedianMs("tableMs"):F0} ms |");
        Console.WriteLine($"| page: sort by name (on the server) until the first row is the new first, 5 clicks | {MedianMs("sortMs"):F0} ms |");
    }

    /// <summary>The page's timing script (e2e/run.mjs timing) against a running server: its steps, or null (and a table row saying why) when it failed.</summary>
    private static async Task<JsonElement?> TimingSteps(string frontend, Uri url, string args)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = frontend, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "e2e/run.mjs", "timing", args })
            info.ArgumentList.Add(arg);
        info.Environment["GITTRACK_UI_URL"] = url.ToString();
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = JsonDocument.Parse(output).RootElement;
        if (result.TryGetProperty("error", out var error))
        {
            Console.WriteLine($"| page in Chromium | failed: {error.GetString()?.Split('\n')[0]} |");
            return null;
        }
        return result.GetProperty("steps");
    }

    private static double PeakMiB() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024).First();

    private static async Task<double> Time(HttpClient client, string path)
    {
        var sw = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return sw.Elapsed.TotalSeconds;
    }

    private static string? FrontendDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                return Path.Combine(dir.FullName, "src", "GitTrack.Web", "frontend");
        return null;
    }
}
