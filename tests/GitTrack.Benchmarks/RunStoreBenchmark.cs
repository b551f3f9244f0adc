using System.Diagnostics;
using System.Text;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using LibGit2Sharp;

namespace GitTrack.Benchmarks;

/// <summary>
/// The runs branch at scale: a branch of 10,000 runs written directly as trees, then <c>ls</c> over it (in-process and
/// the real process, beside <c>git ls-tree</c> of the same branch), the time to commit one more run at 100, 1,000 and
/// 10,000 runs, and the size in git of a 1,000,000-point metric history.
/// </summary>
public sealed class RunStoreBenchmark : IBenchmark
{
    public string Name => "runstore";
    public string Description => "runs branch: ls over 10,000 runs, filter/sort/best/export, commit time at 100/1,000/10,000 runs, history size";

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Run(string[] args)
    {
        if (args.Length >= 3 && args[0] == "--generate")
        {
            // runstore --generate DIR COUNT [--loose]: a repository with COUNT runs in the current format (docs/benchmarks.md).
            var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
            var sw = Stopwatch.StartNew();
            var repo = Directory.Exists(Path.Combine(args[1], ".git")) ? args[1] : NewRepo(args[1]);
            Generate(repo, count);
            Console.WriteLine($"{count:N0} runs written in {sw.Elapsed.TotalSeconds:F1} s");
            if (!args.Contains("--loose"))
            {
                // As a repository gittrack keeps packed (git gc --auto after runs) holds them.
                var packing = Stopwatch.StartNew();
                Git(repo, "gc", "--quiet");
                Console.WriteLine($"packed by 'git gc' in {packing.Elapsed.TotalSeconds:F1} s ({PackBytes(repo) / 1e6:F1} MB)");
            }
            Console.WriteLine($"total {sw.Elapsed.TotalSeconds:F1} s: {repo}");
            return 0;
        }
        if (args.Length >= 2 && args[0] == "--query")
        {
            // runstore --query DIR [--gittrack DLL]: ls --filter --sort, best and export over a generated repository.
            QueryTimings(args[1], args.SkipWhile(a => a != "--gittrack").Skip(1).FirstOrDefault() ?? FindGitTrackDll());
            return 0;
        }
        var gittrackDll = args.SkipWhile(a => a != "--gittrack").Skip(1).FirstOrDefault() ?? FindGitTrackDll();
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-runstore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine("| runs on branch | commit one more run (Create + Save), median of 15 | first commit after generation (builds local index) |");
            Console.WriteLine("|---:|---:|---:|");
            string? bigRepo = null;
            foreach (var count in new[] { 100, 1_000, 10_000 })
            {
                var repo = NewRepo(Path.Combine(root, $"r{count}"));
                var sw = Stopwatch.StartNew();
                Generate(repo, count);
                var generation = sw.Elapsed.TotalSeconds;
                var dirs = GitDirectories.Discover(repo);
                var tree = Git(repo, "rev-parse", "HEAD^{tree}").Trim();
                using var store = RunStore.Open(dirs);
                sw.Restart();
                CommitOne(store, tree, count);
                var first = sw.Elapsed.TotalSeconds;
                var n = 0;
                var median = Measure.Median(15, () => CommitOne(store, tree, count + 1 + n++), warmUp: true);
                Console.WriteLine($"| {count:N0} (generated in {generation:F1} s) | {median * 1000:F1} ms | {first * 1000:F0} ms |");
                if (count == 10_000)
                    bigRepo = repo;
            }

            Console.WriteLine();
            Console.WriteLine("| ls over 10,000+ runs | median |");
            Console.WriteLine("|---|---:|");
            var big = GitDirectories.Discover(bigRepo!);
            var indexPath = Path.Combine(big.GitTrackDir, "index", "runs.bin");
            using (var store = RunStore.Open(big))
            {
                var warm = Measure.Median(9, () => store.List());
                Console.WriteLine($"| RunStore.List(), index up to date (in-process) | {warm * 1000:F1} ms |");
                var cold = Measure.Median(3, () => store.List(), warmUp: false, beforeEach: () => File.Delete(indexPath));
                Console.WriteLine($"| RunStore.List(), index missing: rebuilt from 10,000 manifests (in-process) | {cold * 1000:F0} ms |");
            }
            if (gittrackDll is not null && File.Exists(gittrackDll))
            {
                Shell($"{Start(gittrackDll)} ls > /dev/null", bigRepo!); // bring the index up to date
                var ls = Measure.ShellMedian(9, $"{Start(gittrackDll)} ls > /dev/null", bigRepo);
                var lsJson = Measure.ShellMedian(9, $"{Start(gittrackDll)} ls --json > /dev/null", bigRepo);
                var version = Measure.ShellMedian(9, $"{Start(gittrackDll)} version > /dev/null", bigRepo);
                Console.WriteLine($"| `gittrack ls` (real process) | {ls * 1000:F0} ms |");
                Console.WriteLine($"| `gittrack ls --json` (real process) | {lsJson * 1000:F0} ms |");
                Console.WriteLine($"| `gittrack version` (process start-up alone) | {version * 1000:F0} ms |");
            }
            else
            {
                Console.WriteLine("| `gittrack ls` (real process) | skipped: pass --gittrack PATH/gittrack.dll or PATH/gittrack (native) |");
            }
            var peer = Measure.ShellMedian(9, "git ls-tree -r --name-only gittrack/runs > /dev/null", bigRepo);
            var peerLog = Measure.ShellMedian(9, "git log --oneline gittrack/runs > /dev/null", bigRepo);
            Console.WriteLine($"| peer: `git ls-tree -r --name-only gittrack/runs` (same branch) | {peer * 1000:F0} ms |");
            Console.WriteLine($"| peer: `git log --oneline gittrack/runs` | {peerLog * 1000:F0} ms |");

            Console.WriteLine();
            QueryTimings(bigRepo!, gittrackDll);

            Console.WriteLine();
            HistorySize(Path.Combine(root, "history"));
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

    private const string Filter = "params.lr < 0.005 and source.branch = main and started > 2026-01-02";

    /// <summary>
    /// Finding runs among 10,000: <c>ls --filter --sort</c>, <c>best</c> and <c>export</c> as the real process, the
    /// filter and sort alone in-process, beside process start-up (<c>gittrack version</c>) and <c>git ls-tree</c> of the branch.
    /// </summary>
    private static void QueryTimings(string repo, string? gittrackDll)
    {
        Console.WriteLine("| finding runs among 10,000+ (index up to date) | median |");
        Console.WriteLine("|---|---:|");
        using (var store = RunStore.Open(GitDirectories.Discover(repo)))
        {
            var matched = 0;
            var inProcess = Measure.Median(9, () => matched = GitTrack.Core.Query.RunQuery.Select(store.List(), GitTrack.Core.Query.RunSummaryFields.Instance,
                Filter, "-metrics.acc,params.lr", null, GitTrack.Core.Query.QueryContext.System).Count);
            Console.WriteLine($"| List + filter + sort (in-process, {matched:N0} match) | {inProcess * 1000:F1} ms |");
        }
        if (gittrackDll is null || !File.Exists(gittrackDll))
        {
            Console.WriteLine("| real process | skipped: pass --gittrack PATH/gittrack.dll or PATH/gittrack (native) |");
            return;
        }
        var gittrack = Start(gittrackDll);
        Shell($"{gittrack} ls > /dev/null", repo);
        var contenders = new (string Label, string Command)[]
        {
            ($"`gittrack ls --filter \"{Filter}\" --sort -metrics.acc,params.lr`", $"{gittrack} ls --filter '{Filter}' --sort -metrics.acc,params.lr"),
            ("same, `--limit 20`", $"{gittrack} ls --filter '{Filter}' --sort -metrics.acc,params.lr --limit 20"),
            ($"`gittrack best --metric acc --filter \"{Filter}\"`", $"{gittrack} best --metric acc --filter '{Filter}' 2> /dev/null"),
            ("`gittrack export --format csv` (all runs)", $"{gittrack} export --format csv"),
            ("`gittrack version` (process start-up alone)", $"{gittrack} version"),
            ("peer: `git ls-tree -r --name-only gittrack/runs`", "git ls-tree -r --name-only gittrack/runs"),
        };
        // Contenders take turns, one run each per round, so a burst of load from elsewhere hits them all alike.
        var times = contenders.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < 9; round++)
            for (var i = 0; i < contenders.Length; i++)
                if (Measure.Shell($"{contenders[i].Command} > /dev/null", repo) is { } seconds)
                    times[i].Add(seconds);
        for (var i = 0; i < contenders.Length; i++)
            Console.WriteLine($"| {contenders[i].Label} | {(times[i].Count == 0 ? "failed" : $"{Measure.MedianOf(times[i]) * 1000:F0} ms")} |");
    }

    private static void CommitOne(RunStore store, string tree, int i)
    {
        var run = Record(RunId.New(T0.AddMinutes(i)).Value, "", i, tree) with { Status = RunStatus.Running };
        run = store.Create(run, [new MetricPoint("loss", 1, 0, T0)]);
        store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = run.StartedAt.AddMinutes(3) }, [new MetricPoint("loss", 0.5, 1, T0)]);
    }

    private static RunRecord Record(string id, string name, int i, string tree) => RunsGenerator.Record(id, name, i, tree);

    /// <summary>Writes <paramref name="count"/> runs in the current format (<see cref="RunsGenerator"/>).</summary>
    internal static void Generate(string repoPath, int count, Func<int, RunRecord, RunRecord>? shape = null) =>
        RunsGenerator.Generate(repoPath, count, shape);

    private static void HistorySize(string repoPath)
    {
        NewRepo(repoPath);
        var dirs = GitDirectories.Discover(repoPath);
        var tree = Git(repoPath, "rev-parse", "HEAD^{tree}").Trim();
        var random = new Random(1);
        var points = new MetricPoint[1_000_000];
        var loss = 2.0;
        for (var i = 0; i < points.Length; i++)
        {
            loss = loss * 0.99999 + random.NextDouble() * 1e-3;
            points[i] = new MetricPoint((i % 4) switch { 0 => "loss", 1 => "val/loss", 2 => "lr", _ => "acc" }, i % 4 == 2 ? 0.001 : loss, i / 4, T0.AddMilliseconds(i * 2L));
        }
        var raw = MetricHistoryCodec.EncodeSegments(points).Sum(s => (long)s.Length);
        using var store = RunStore.Open(dirs);
        var sw = Stopwatch.StartNew();
        var run = store.Create(Record(RunId.New(T0).Value, "", 0, tree), points);
        var commitSeconds = sw.Elapsed.TotalSeconds;
        var objects = Git(repoPath, "rev-list", "--objects", $"gittrack/runs:runs/{run.Id[..2]}/{run.Id}/history");
        var ids = objects.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToArray();
        var loose = ids.Sum(id => new FileInfo(Path.Combine(repoPath, ".git", "objects", id[..2], id[2..])).Length);
        Git(repoPath, "gc", "-q");
        var packed = PackBytes(repoPath);
        Console.WriteLine("| 1,000,000 metric points (4 metrics) | bytes |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| encoded segments, uncompressed | {raw:N0} |");
        Console.WriteLine($"| in git as loose objects (zlib) | {loose:N0} |");
        Console.WriteLine($"| whole repository pack after `git gc` | {packed:N0} |");
        Console.WriteLine($"| time to commit the run with its history | {commitSeconds * 1000:F0} ms |");
    }

    internal static long PackBytes(string repoPath) =>
        Directory.EnumerateFiles(Path.Combine(repoPath, ".git", "objects", "pack"), "*.pack").Sum(f => new FileInfo(f).Length);

    internal static string NewRepo(string path)
    {
        Directory.CreateDirectory(path);
        Git(path, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(path, "train.py"), "print('hello')\n");
        Git(path, "add", "-A");
        Git(path, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial");
        return path;
    }

    internal static string Git(string repo, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)}: {stderr.Result}");
        return output;
    }

    private static void Shell(string command, string directory) => Measure.Shell(command, directory);

    /// <summary>The shell words that start gittrack: <c>dotnet gittrack.dll</c>, or a native executable as it is.</summary>
    internal static string Start(string gittrack) =>
        gittrack.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? $"dotnet {Quote(gittrack)}" : Quote(gittrack);

    /// <summary>A path as one POSIX shell word.</summary>
    internal static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    internal static string? FindGitTrackDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            foreach (var config in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(dir.FullName, "src", "GitTrack.Cli", "bin", config, "net10.0", "gittrack.dll");
                if (File.Exists(candidate))
                    return candidate;
            }
        return null;
    }

}
