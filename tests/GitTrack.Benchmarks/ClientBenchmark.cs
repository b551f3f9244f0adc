using System.Diagnostics;
using System.Text.Json;
using GitTrack.Client;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Benchmarks;

/// <summary>
/// The clients' logging cost. .NET: 1,000,000 <c>LogMetric</c> calls (three names, steps) and the ingestion of the
/// file they produced by <see cref="EventsFileReader"/>, target 1 s or less; then the same calls in a real
/// in-process run (<c>Run.Start</c> ... <c>End</c>, which reads, checkpoints and commits them). Peer: a hand-rolled
/// JSON-lines logger (System.Text.Json serialising each event to a StreamWriter). Python: 1,000,000
/// <c>gittrack.log_metric</c> calls under the real <c>gittrack run</c>, timed inside the script (target 5 s or less)
/// and as the whole run; peer: the same loop writing <c>json.dumps</c> lines to a file.
/// </summary>
public sealed class ClientBenchmark : IBenchmark
{
    private static readonly string[] Names = ["loss", "val/accuracy", "learning_rate"];

    public string Name => "clients";
    public string Description => "1,000,000 LogMetric calls + ingestion (target <= 1 s), python log_metric under gittrack run (target <= 5 s)";

    public int Run(string[] args)
    {
        int calls = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
        var dir = Directory.CreateTempSubdirectory("gittrack-bench-clients-").FullName;
        try
        {
            Console.WriteLine($"{calls:N0} calls, {Environment.ProcessorCount} cores, median of {repeats}");
            var (callsOnly, ingestOnly, together, togetherCpu) = DotnetCallsAndIngestion(dir, calls, repeats);
            var peer = Measure.Median(repeats, () => HandRolledLogger(Path.Combine(dir, "peer.jsonl"), calls));
            var (startCalls, end, whole) = InProcessRun(dir, calls, Math.Min(repeats, 3));
            var python = Measure.HasTool("python3") ? PythonUnderGittrack(dir, calls, Math.Min(repeats, 3)) : null;

            Console.WriteLine();
            Console.WriteLine("| what | median | calls/s |");
            Console.WriteLine("|---|---|---|");
            Row(".NET LogMetric calls (buffered, written to the events file)", callsOnly, calls);
            Row(".NET EventsFileReader ingesting what they wrote", ingestOnly, calls);
            Row("**.NET calls + ingestion** (target <= 1 s)", together, calls);
            Row(".NET calls + ingestion, CPU time of the process (GC threads included)", togetherCpu, calls);
            Row(".NET hand-rolled JSON lines logger, calls only (peer)", peer, calls);
            Row(".NET Run.Start + calls", startCalls, calls);
            Row(".NET Run.End (read, history, commit)", end, calls);
            Row("**.NET Run.Start + calls + End** (a real in-process run)", whole, calls);
            if (python is { } p)
            {
                Row("**Python log_metric calls, inside the script** (target <= 5 s)", p.Inside, calls);
                Row("Python log_metric calls, CPU time inside the script", p.Cpu, calls);
                Row("Python `gittrack run -- python3 script.py`, whole run", p.Whole, calls);
                Row("Python json.dumps lines to a file, same loop (peer)", p.Peer, calls);
            }
            else
                Console.WriteLine("| Python | python3 not installed | |");
            return together <= 1.0 && (python is null || python.Value.Inside <= 5.0) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Row(string what, double seconds, int calls) =>
        Console.WriteLine($"| {what} | {seconds:F3} s | {calls / seconds / 1e6:F2} M |");

    private static (double Calls, double Ingest, double Together, double Cpu) DotnetCallsAndIngestion(string dir, int calls, int repeats)
    {
        var cpuTimes = new List<double>();
        var callTimes = new List<double>();
        var ingestTimes = new List<double>();
        var totals = new List<double>();
        for (int r = 0; r <= repeats; r++)
        {
            var path = Path.Combine(dir, $"events-{r}.jsonl");
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using (var run = GitTrack.Client.Run.ForEventsFile(path))
            {
                for (int i = 0; i < calls; i++)
                    run.LogMetric(Names[i % 3], i * 0.001, step: i / 3);
            }
            var afterCalls = watch.Elapsed.TotalSeconds;
            using (var reader = new EventsFileReader(path))
            {
                var batch = reader.ReadNew(final: true);
                if (batch.Metrics.Count != calls || batch.Problems.Count != 0)
                    throw new InvalidOperationException($"ingested {batch.Metrics.Count} of {calls} metrics, {batch.Problems.Count} problems");
            }
            var total = watch.Elapsed.TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            File.Delete(path);
            if (r == 0)
                continue; // warm-up
            cpuTimes.Add(cpu);
            callTimes.Add(afterCalls);
            ingestTimes.Add(total - afterCalls);
            totals.Add(total);
        }
        return (Measure.MedianOf(callTimes), Measure.MedianOf(ingestTimes), Measure.MedianOf(totals), Measure.MedianOf(cpuTimes));
    }

    // What a program logging JSON lines by itself would do: serialise each event and write it through a buffered writer.
    private static void HandRolledLogger(string path, int calls)
    {
        using (var writer = new StreamWriter(path, append: false))
            for (int i = 0; i < calls; i++)
                writer.WriteLine(JsonSerializer.Serialize(new MetricLine("metric", Names[i % 3], i * 0.001, i / 3, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0)));
        File.Delete(path);
    }

    private sealed record MetricLine(string type, string name, double value, long step, double timestamp);

    private static (double Calls, double End, double Whole) InProcessRun(string dir, int calls, int repeats)
    {
        var repo = Path.Combine(dir, "repo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repo, "train.py"), "print('benchmark')\n");
        Git(repo, "add", "-A");
        Git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "start");
        var callTimes = new List<double>();
        var endTimes = new List<double>();
        var totals = new List<double>();
        for (int r = 0; r <= repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            var run = GitTrack.Client.Run.StartIn(repo, $"bench-{r}", new { calls });
            for (int i = 0; i < calls; i++)
                run.LogMetric(Names[i % 3], i * 0.001, step: i / 3);
            var afterCalls = watch.Elapsed.TotalSeconds;
            run.End(RunStatus.Completed);
            var total = watch.Elapsed.TotalSeconds;
            if (r == 0)
                continue;
            callTimes.Add(afterCalls);
            endTimes.Add(total - afterCalls);
            totals.Add(total);
        }
        return (Measure.MedianOf(callTimes), Measure.MedianOf(endTimes), Measure.MedianOf(totals));
    }

    private static (double Inside, double Cpu, double Whole, double Peer)? PythonUnderGittrack(string dir, int calls, int repeats)
    {
        var repo = Path.Combine(dir, "pyrepo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        File.Copy(Path.Combine(SourceRoot(), "src", "clients", "python", "gittrack.py"), Path.Combine(repo, "gittrack.py"));
        File.WriteAllText(Path.Combine(repo, "bench.py"), $$"""
            import sys, time, json
            names = ["loss", "val/accuracy", "learning_rate"]
            n = {{calls}}
            if sys.argv[1] == "gittrack":
                import gittrack
                log = gittrack.log_metric
                cpu = time.process_time()
                start = time.perf_counter()
                for i in range(n):
                    log(names[i % 3], i * 0.001, step=i // 3)
                gittrack.flush()
            else:
                start = time.perf_counter()
                with open("peer.jsonl", "w") as f:
                    for i in range(n):
                        f.write(json.dumps({"type": "metric", "name": names[i % 3], "value": i * 0.001, "step": i // 3, "timestamp": time.time()}) + "\n")
            print("inside %.6f" % (time.perf_counter() - start))
            if sys.argv[1] == "gittrack":
                print("cpu %.6f" % (time.process_time() - cpu))
            """);
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "peer.jsonl\n__pycache__/\n");
        Git(repo, "add", "-A");
        Git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "start");

        var gittrack = Path.Combine(AppContext.BaseDirectory, "gittrack.dll");
        var inside = new List<double>();
        var cpu = new List<double>();
        var whole = new List<double>();
        var peer = new List<double>();
        for (int r = 0; r <= repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            var output = Exec("dotnet", repo, gittrack, "run", "--", "python3", "bench.py", "gittrack");
            var elapsed = watch.Elapsed.TotalSeconds;
            var peerOutput = Exec("python3", repo, "bench.py", "peer");
            if (r == 0)
                continue;
            inside.Add(InsideSeconds(output));
            cpu.Add(InsideSeconds(output, "cpu "));
            whole.Add(elapsed);
            peer.Add(InsideSeconds(peerOutput));
        }
        // Every run must hold all its points: the figure counts only logging that arrived.
        var ls = Exec("dotnet", repo, gittrack, "ls", "--json");
        if (!ls.Contains("\"completed\"", StringComparison.Ordinal))
            throw new InvalidOperationException("python runs did not complete: " + ls);
        return (Measure.MedianOf(inside), Measure.MedianOf(cpu), Measure.MedianOf(whole), Measure.MedianOf(peer));
    }

    private static double InsideSeconds(string output, string label = "inside ")
    {
        var line = output.Split('\n').First(l => l.StartsWith(label, StringComparison.Ordinal));
        return double.Parse(line[label.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                return dir.FullName;
        throw new InvalidOperationException("GitTrack.sln not found above " + AppContext.BaseDirectory);
    }

    private static void Git(string repo, params string[] args) => Exec("git", repo, args);

    private static string Exec(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
