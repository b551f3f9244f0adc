using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;

namespace GitTrack.Benchmarks;

/// <summary>
/// The query language over 10,000 synthetic runs: parse + compile + filter + sort, as <c>gittrack ls --filter --sort</c>
/// does once the runs are in memory. Peers in the same run: the same filter and sort written by hand in C# LINQ, and in
/// Python over a list of dicts (timed inside Python, loading excluded). Target: 300 ms or less.
/// </summary>
public sealed class QueryBenchmark : IBenchmark
{
    private const string IssueFilter = "params.lr < 0.01 and source.branch = main and started > -7d";
    private const string IssueSort = "-metrics.val_accuracy,params.lr";
    private const string HeavyFilter =
        "(name ~ \"resnet*\" or tags.stage = prod) and not status = failed and metrics.\"val/loss\" < 0.5 and duration > 5m";

    public string Name => "query";
    public string Description => "filter and sort 10,000 runs with the query language (target <= 300 ms); peers: LINQ, python";

    public int Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21;
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var context = new QueryContext(now, TimeZoneInfo.Utc);
        var runs = MakeRuns(count, now);
        var fields = RunRecordFields.Instance;
        Console.WriteLine($"{count:N0} runs, {repeats} repeats, {Environment.ProcessorCount} cores");

        // Every contender runs once per round, in turn, so the load of a shared machine falls on all of them alike.
        List<RunRecord> result = [], linq = [];
        int issueMatches = 0, heavyMatches = 0;
        var compiled = QueryParser.Parse(IssueFilter).Compile(fields, context);
        var sortSpec = SortSpec.Parse(IssueSort);
        var filtered = runs.Where(compiled).ToList();
        (string What, Action Action)[] contenders =
        [
            ("parse the filter and sort keys only", () => { QueryParser.Parse(IssueFilter); SortSpec.Parse(IssueSort); }),
            ("issue filter, parse + compile + filter + sort", () =>
            {
                result = RunQuery.Select(runs, fields, IssueFilter, IssueSort, null, context);
                issueMatches = result.Count;
            }),
            ("  of which: the compiled filter over 10,000 runs", () => runs.Count(compiled)),
            ("  of which: sorting the matching runs", () => sortSpec.Apply(filtered, fields)),
            ("heavier filter (glob, or, not, quoted key, duration) + sort", () =>
            {
                result = RunQuery.Select(runs, fields, HeavyFilter, "-started", null, context);
                heavyMatches = result.Count;
            }),
            ("no filter, sort all by three keys", () => RunQuery.Select(runs, fields, null, "tags.stage,-metrics.val_accuracy,name", null, context)),
            ("peer: the issue query written by hand in C# LINQ", () =>
            {
                var since = now.AddDays(-7);
                linq = runs
                    .Where(r => r.Params.TryGetValue("lr", out var lr) && lr is double d && d < 0.01
                        && r.Source.Branch == "main" && r.StartedAt > since)
                    .OrderBy(r => r.Metrics.TryGetValue("val_accuracy", out var a) ? 0 : 1)
                    .ThenByDescending(r => r.Metrics.GetValueOrDefault("val_accuracy"))
                    .ThenBy(r => r.Params.GetValueOrDefault("lr") is double lr ? lr : double.MaxValue)
                    .ToList();
            }),
        ];
        var times = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = -1; round < repeats; round++)
        {
            for (int c = 0; c < contenders.Length; c++)
            {
                var sw = Stopwatch.StartNew();
                contenders[c].Action();
                if (round >= 0)
                    times[c].Add(sw.Elapsed.TotalSeconds);
            }
        }
        var medians = times.Select(Measure.MedianOf).ToArray();
        var ours = RunQuery.Select(runs, fields, IssueFilter, IssueSort, null, context);
        if (!linq.Select(r => r.Id).SequenceEqual(ours.Select(r => r.Id)))
            throw new InvalidOperationException("the query and the hand-written LINQ disagree");

        var python = PythonPeer(runs, now, repeats, issueMatches);

        Console.WriteLine();
        Console.WriteLine("| what | median | matches |");
        Console.WriteLine("|---|---:|---:|");
        int[] matches = [0, issueMatches, issueMatches, issueMatches, heavyMatches, count, linq.Count];
        for (int c = 0; c < contenders.Length; c++)
            Console.WriteLine($"| {contenders[c].What} | {medians[c] * 1e3:F2} ms | {(c == 0 ? "" : matches[c].ToString("N0", CultureInfo.InvariantCulture))} |");
        Console.WriteLine(python is { } p
            ? $"| peer: the issue query in Python over dicts (list comprehension + sorted) | {p * 1e3:F2} ms | {issueMatches:N0} |"
            : "| peer: Python | not installed | |");
        return Math.Max(medians[1], medians[4]) <= 0.300 ? 0 : 1;
    }

    private static List<RunRecord> MakeRuns(int count, DateTimeOffset now)
    {
        var random = new Random(42);
        string[] branches = ["main", "main", "main", "feature/aug", "exp/lr-sweep"];
        string[] models = ["resnet18", "resnet50", "vit-small", "convnext", "mlp"];
        string[] stages = ["dev", "prod", "ablation"];
        var runs = new List<RunRecord>(count);
        for (int i = 0; i < count; i++)
        {
            var started = now.AddMinutes(-random.Next(0, 60 * 24 * 30));
            var status = (RunStatus)random.Next(1, 4);
            var @params = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["lr"] = Math.Pow(10, -1 - 4 * random.NextDouble()),
                ["batch_size"] = (long)(16 << random.Next(0, 5)),
                ["epochs"] = (long)random.Next(1, 100),
                ["optimizer"] = random.Next(2) == 0 ? "adam" : "sgd",
                ["model"] = models[random.Next(models.Length)],
                ["dropout"] = random.NextDouble() / 2,
                ["amp"] = random.Next(2) == 0,
                ["seed"] = (long)random.Next(),
                ["optimizer.momentum"] = 0.9,
                ["data.path"] = "data/train-" + random.Next(10),
            };
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = random.NextDouble(),
                ["val/loss"] = random.NextDouble(),
                ["accuracy"] = random.NextDouble(),
                ["epoch"] = random.Next(100),
                ["lr"] = random.NextDouble() / 100,
                ["throughput"] = random.Next(100, 5000),
            };
            if (random.Next(10) != 0)
                metrics["val_accuracy"] = random.NextDouble();
            runs.Add(new RunRecord
            {
                Id = $"{started:yyyyMMdd-HHmmss}-{i:x4}",
                Name = $"{models[random.Next(models.Length)]}-{i}",
                Status = status,
                ExitCode = status == RunStatus.Completed ? 0 : 1,
                StartedAt = started,
                EndedAt = started.AddSeconds(random.Next(10, 4 * 3600)),
                Command = ["python", "train.py"],
                Source = new SourceInfo
                {
                    Commit = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + new string('0', 24),
                    Branch = branches[random.Next(branches.Length)],
                    Tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
                },
                Params = @params,
                Metrics = metrics,
                Tags = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["stage"] = stages[random.Next(stages.Length)],
                    ["owner"] = "user" + random.Next(5),
                },
            });
        }
        return runs;
    }

    /// <summary>Python filtering and sorting the same runs as dicts; timed inside Python (median of its own repeats), loading excluded.</summary>
    private static double? PythonPeer(List<RunRecord> runs, DateTimeOffset now, int repeats, int expectedMatches)
    {
        if (!Measure.HasTool("python3"))
            return null;
        var dir = Directory.CreateTempSubdirectory("gittrack-bench-query-").FullName;
        try
        {
            var json = Path.Combine(dir, "runs.json");
            var rows = runs.Select(r => new Dictionary<string, object?>
            {
                ["id"] = r.Id,
                ["started"] = r.StartedAt.ToUnixTimeSeconds(),
                ["branch"] = r.Source.Branch,
                ["params"] = r.Params,
                ["metrics"] = r.Metrics,
            });
            File.WriteAllText(json, JsonSerializer.Serialize(rows));
            var script = Path.Combine(dir, "peer.py");
            File.WriteAllText(script, $$"""
                import json, statistics, sys, time
                runs = json.load(open(sys.argv[1]))
                since = {{now.ToUnixTimeSeconds()}} - 7 * 86400
                times = []
                for _ in range({{repeats}}):
                    t = time.perf_counter()
                    kept = [r for r in runs if isinstance(r["params"].get("lr"), (int, float)) and r["params"]["lr"] < 0.01
                            and r["branch"] == "main" and r["started"] > since]
                    kept.sort(key=lambda r: ("val_accuracy" not in r["metrics"], -r["metrics"].get("val_accuracy", 0), r["params"]["lr"]))
                    times.append(time.perf_counter() - t)
                print(len(kept), statistics.median(times))
                """);
            var info = new ProcessStartInfo("python3", [script, json]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
            process.WaitForExit();
            if (process.ExitCode != 0)
                return null;
            if (int.Parse(output[0], CultureInfo.InvariantCulture) != expectedMatches)
                throw new InvalidOperationException($"python kept {output[0]} runs, the query {expectedMatches}");
            return double.Parse(output[1], CultureInfo.InvariantCulture);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
