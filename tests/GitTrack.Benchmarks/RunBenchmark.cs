using System.Diagnostics;
using System.Globalization;

namespace GitTrack.Benchmarks;

/// <summary>
/// <c>gittrack run</c> as a user runs it, the real process: the overhead of <c>gittrack run -- true</c> over
/// <c>true</c> (plain build and, when given, a ReadyToRun publish and the native executable that
/// src/GitTrack.Cli/install.sh installs), 1,000,000 metric points appended by a Python
/// child (time from the child's exit to gittrack's, total time, and the history's size in git), and the time of
/// one more real run on a branch of 100 and of 10,000 runs.
/// </summary>
public sealed class RunBenchmark : IBenchmark
{
    public string Name => "run";
    public string Description => "gittrack run: overhead over `true`, 1M metric points from a child, one more run at 100/10,000 runs";

    private const string PointsScript = """
        import os, random, sys, time
        path = os.environ["GITTRACK_EVENTS"]
        n = int(sys.argv[1])
        names = ("loss", "val/loss", "lr", "acc")
        rnd = random.Random(1)
        loss = 2.0
        with open(path, "a") as f:
            buf = []
            for i in range(n):
                loss = loss * 0.99999 + rnd.random() * 1e-3
                buf.append('{"type":"metric","name":"%s","value":%r,"step":%d}\n' % (names[i % 4], 0.001 if i % 4 == 2 else loss, i // 4))
                if len(buf) == 20000:
                    f.write("".join(buf))
                    buf.clear()
            f.write("".join(buf))
        with open(sys.argv[2], "w") as f:
            f.write(repr(time.time()))
        """;

    public int Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var plain = Arg("--gittrack") ?? RunStoreBenchmark.FindGitTrackDll();
        if (plain is null)
        {
            Console.Error.WriteLine("build gittrack first (dotnet build -c Release src/GitTrack.Cli) or pass --gittrack PATH/gittrack.dll");
            return 2;
        }
        var r2r = Arg("--r2r");
        var native = Arg("--native");
        int repeats = int.Parse(Arg("--repeats") ?? "15", CultureInfo.InvariantCulture);
        int points = int.Parse(Arg("--points") ?? "1000000", CultureInfo.InvariantCulture);
        var only = Arg("--only");
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            // Each build as the command line that starts it; the last one given is the one the other parts measure.
            var builds = new List<Build> { new("plain build", ["dotnet", Path.GetFullPath(plain)]) };
            if (r2r is not null)
                builds.Add(new("ReadyToRun publish", ["dotnet", Path.GetFullPath(r2r)]));
            // --before PATH: another native build (an older commit's), measured in the same rounds.
            if (Arg("--before") is { } before)
                builds.Add(new("native (AOT), before", [Path.GetFullPath(before)]));
            if (native is not null)
                builds.Add(new("native (AOT)", [Path.GetFullPath(native)]));
            if (only is null or "overhead")
                Overhead(root, builds, repeats);
            if (only is null or "target")
                Target(root, builds, repeats, int.Parse(Arg("--runs") ?? "10000", CultureInfo.InvariantCulture));
            if (only is null or "points")
                Points(root, builds[^1], points);
            if (only is null or "scale")
                Scale(root, builds[^1], repeats);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    /// <summary>A build of gittrack under test: its label and the argv that starts it.</summary>
    private sealed record Build(string Label, string[] Start)
    {
        public string Shell(string arguments) => string.Join(' ', Start.Select(RunStoreBenchmark.Quote)) + " " + arguments;
    }

    private static void Overhead(string root, List<Build> builds, int repeats)
    {
        var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, "overhead"));
        // Interleaved rounds: every row sees the same load from the other work on a shared machine.
        var times = new Dictionary<string, List<double>>();
        void Add(string row, double? t)
        {
            if (t is { } seconds)
                (times.TryGetValue(row, out var list) ? list : times[row] = []).Add(seconds);
        }
        foreach (var build in builds)
            Measure.Shell(build.Shell("run -- true"), repo); // warm-up: first start, file cache
        for (int i = 0; i < repeats; i++)
        {
            Add("`true` (peer)", Measure.Shell("true", repo));
            Add("`git stash create` (peer: git snapshotting the tree)", Measure.Shell("git stash create", repo));
            foreach (var build in builds)
            {
                Add($"`gittrack version`, {build.Label} (process start-up)", Measure.Shell(build.Shell("version"), repo));
                Add($"`gittrack run -- true`, {build.Label}", Measure.Shell(build.Shell("run -- true"), repo));
            }
        }
        var baseline = Measure.MedianOf(times["`true` (peer)"]);
        Console.WriteLine($"| what ({repeats} interleaved rounds) | median | minus `true` |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (row, list) in times)
            Console.WriteLine($"| {row} | {Measure.MedianOf(list) * 1000:F0} ms | {(Measure.MedianOf(list) - baseline) * 1000:F0} ms |");
        Console.WriteLine();
    }

    /// <summary>
    /// The start-up target of issue #19: <c>gittrack run -- true</c> in a repository of 5,000 tracked files (and 200
    /// untracked ones) whose runs branch holds <paramref name="runs"/> runs (generated, packed), every build interleaved
    /// with <c>true</c> and <c>git stash create</c>; also how many processes each build starts (strace, when installed).
    /// </summary>
    private static void Target(string root, List<Build> builds, int repeats, int runs)
    {
        var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, "target"));
        for (var d = 0; d < 50; d++)
            for (var f = 0; f < 100; f++)
            {
                Directory.CreateDirectory(Path.Combine(repo, "src", $"d{d}"));
                File.WriteAllText(Path.Combine(repo, "src", $"d{d}", $"f{f}.py"), $"x = {d * 100 + f}\n");
            }
        RunStoreBenchmark.Git(repo, "add", "-A");
        RunStoreBenchmark.Git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "5,000 files");
        Directory.CreateDirectory(Path.Combine(repo, "data"));
        for (var u = 0; u < 200; u++)
            File.WriteAllText(Path.Combine(repo, "data", $"u{u}.txt"), $"{u}\n");
        RunStoreBenchmark.Generate(repo, runs);
        RunStoreBenchmark.Git(repo, "gc", "-q");
        foreach (var build in builds)
            Measure.Shell(build.Shell("run -- true"), repo); // warm-up: the first run builds the local name counter and index
        var times = new Dictionary<string, List<double>>();
        void Add(string row, double? t)
        {
            if (t is { } seconds)
                (times.TryGetValue(row, out var list) ? list : times[row] = []).Add(seconds);
        }
        for (int i = 0; i < repeats; i++)
        {
            Add("`true` (peer)", Measure.Shell("true", repo));
            Add("`git stash create` (peer)", Measure.Shell("git stash create", repo));
            foreach (var build in builds)
                Add($"`gittrack run -- true`, {build.Label}", Measure.Shell(build.Shell("run -- true"), repo));
        }
        var baseline = Measure.MedianOf(times["`true` (peer)"]);
        Console.WriteLine($"| 5,000 tracked files, 200 untracked, {runs:N0} runs ({repeats} interleaved rounds) | median | minus `true` | processes started |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (row, list) in times)
        {
            var build = builds.FirstOrDefault(b => row.EndsWith(b.Label, StringComparison.Ordinal));
            var processes = build is null ? "" : CountProcesses(build, repo);
            Console.WriteLine($"| {row} | {Measure.MedianOf(list) * 1000:F0} ms | {(Measure.MedianOf(list) - baseline) * 1000:F0} ms | {processes} |");
        }
        Console.WriteLine();
    }

    /// <summary>The programs one <c>gittrack run -- true</c> starts (strace's execve calls, gittrack itself not counted), or "" without strace.</summary>
    private static string CountProcesses(Build build, string repo)
    {
        var trace = Path.Combine(repo, "..", "execve.txt");
        if (Measure.Shell($"strace -f -qq -e trace=execve -o {RunStoreBenchmark.Quote(trace)} {build.Shell("run -- true")}", repo) is null)
            return "";
        var programs = File.ReadAllLines(trace).Where(l => l.Contains("execve(\"", StringComparison.Ordinal) && !l.Contains("ENOENT", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('[') + 1)..].Split(',').Take(2).Select(a => a.Trim().Trim('"', ']')).ToArray())
            .Skip(1) // gittrack's own start
            .Select(a => string.Join(' ', a)).ToList();
        return $"{programs.Count}: {string.Join(", ", programs)}";
    }

    private static void Points(string root, Build build, int points)
    {
        var script = Path.Combine(root, "points.py");
        File.WriteAllText(script, PointsScript);
        var endFile = Path.Combine(root, "child-ended");

        // Peer: the same child writing the same file with no gittrack around it.
        var alone = Path.Combine(root, "alone.jsonl");
        var aloneTime = Measure.Shell($"GITTRACK_EVENTS={RunStoreBenchmark.Quote(alone)} python3 {RunStoreBenchmark.Quote(script)} {points} {RunStoreBenchmark.Quote(endFile)}", root);
        var fileBytes = new FileInfo(alone).Length;
        File.Delete(alone);

        Console.WriteLine($"| {points:N0} metric points ({fileBytes / 1e6:F1} MB of events), {build.Label} | child alone (peer) | gittrack run, total | child exit to gittrack exit | history in git, loose | repository pack after `git gc` |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= 3; round++)
        {
            var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, $"points{round}"));
            File.Delete(endFile);
            var info = new ProcessStartInfo(build.Start[0], [.. build.Start[1..], "run", "--", "python3", script, points.ToString(CultureInfo.InvariantCulture), endFile])
            {
                WorkingDirectory = repo,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var sw = Stopwatch.StartNew();
            using (var process = Process.Start(info)!)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    Console.Error.WriteLine($"gittrack run failed: {stderr.Result}");
                    return;
                }
            }
            var ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            var total = sw.Elapsed.TotalSeconds;
            var childEnded = double.Parse(File.ReadAllText(endFile), CultureInfo.InvariantCulture);
            var id = RunStoreBenchmark.Git(repo, "ls-tree", "--name-only", "gittrack/runs:runs/" +
                RunStoreBenchmark.Git(repo, "ls-tree", "--name-only", "gittrack/runs:runs").Trim()).Trim();
            var historyPath = $"gittrack/runs:runs/{id[..2]}/{id}/history";
            var ids = RunStoreBenchmark.Git(repo, "rev-list", "--objects", historyPath)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToArray();
            // Checkpoints may have written earlier versions of the last segment: count every history blob on the branch.
            var allHistory = RunStoreBenchmark.Git(repo, "log", "--format=", "--raw", "--no-abbrev", "-r", "gittrack/runs", "--", $"runs/{id[..2]}/{id}/history")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[3]).Concat(ids).Distinct()
                .Where(sha => File.Exists(Path.Combine(repo, ".git", "objects", sha[..2], sha[2..]))).ToArray();
            var loose = allHistory.Sum(sha => new FileInfo(Path.Combine(repo, ".git", "objects", sha[..2], sha[2..])).Length);
            RunStoreBenchmark.Git(repo, "gc", "-q");
            var packed = RunStoreBenchmark.PackBytes(repo);
            Console.WriteLine($"| round {round} | {aloneTime:F2} s | {total:F2} s | {ended - childEnded:F2} s | {loose / 1e6:F2} MB | {packed / 1e6:F2} MB |");
        }
        Console.WriteLine();
    }

    private static void Scale(string root, Build build, int repeats)
    {
        var counts = new[] { 100, 10_000 };
        var repos = counts.Select(count =>
        {
            var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, $"scale{count}"));
            RunStoreBenchmark.Generate(repo, count);
            RunStoreBenchmark.Git(repo, "gc", "-q");
            Measure.Shell(build.Shell("run -- true"), repo); // the first run after generation builds the local index
            return repo;
        }).ToArray();
        // Interleaved: both branches see the same load from the other work on a shared machine.
        var runs = counts.Select(_ => new List<double>()).ToArray();
        var trues = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            if (Measure.Shell("true", repos[0]) is { } t)
                trues.Add(t);
            for (int r = 0; r < repos.Length; r++)
                if (Measure.Shell(build.Shell("run -- true"), repos[r]) is { } seconds)
                    runs[r].Add(seconds);
        }
        Console.WriteLine($"| runs on branch (packed by `git gc`) | `gittrack run -- true`, {build.Label}, median of {repeats} interleaved | `true` (peer) |");
        Console.WriteLine("|---:|---:|---:|");
        for (int r = 0; r < repos.Length; r++)
            Console.WriteLine($"| {counts[r]:N0} | {Measure.MedianOf(runs[r]) * 1000:F0} ms | {Measure.MedianOf(trues) * 1000:F0} ms |");
        Console.WriteLine();
    }
}
