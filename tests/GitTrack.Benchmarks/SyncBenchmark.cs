using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GitTrack.Benchmarks;

/// <summary>
/// Many workers sharing one remote: N clones of a bare remote (with <c>receive.denyNonFastForwards</c>) each record
/// runs with the real <c>gittrack run</c>, then all run <c>gittrack push</c> at the same moment. Checks that every
/// run arrived exactly once and that <c>git fsck --strict</c> is clean, and reports the total time and how many
/// push attempts the races cost, beside plain <c>git push</c> of a fast-forward from one clone.
/// </summary>
public sealed partial class SyncBenchmark : IBenchmark
{
    public string Name => "sync";
    public string Description => "N clones record runs and gittrack push at once to one remote: time, retries, every run once, fsck";

    public int Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var native = Arg("--native");
        var dll = Arg("--gittrack") ?? RunStoreBenchmark.FindGitTrackDll();
        if (native is null && dll is null)
        {
            Console.Error.WriteLine("build gittrack first (dotnet build -c Release src/GitTrack.Cli) or pass --native PATH or --gittrack PATH/gittrack.dll");
            return 2;
        }
        var gittrack = native is not null ? RunStoreBenchmark.Quote(Path.GetFullPath(native)) : $"dotnet {RunStoreBenchmark.Quote(Path.GetFullPath(dll!))}";
        var workers = (Arg("--workers") ?? "8,16,50").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var runs = int.Parse(Arg("--runs") ?? "2", CultureInfo.InvariantCulture);
        Console.WriteLine($"gittrack: {gittrack}; {runs} runs per worker; machine: {Environment.ProcessorCount} cores; load {Load()}");
        Console.WriteLine();
        Console.WriteLine("| workers | runs on the remote | every run once | fsck --strict | total time | push attempts (sum / max) | one `git push` of a fast-forward |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var n in workers)
            Row(gittrack, n, runs);
        return 0;
    }

    private static void Row(string gittrack, int n, int runs)
    {
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-sync-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var remote = Path.Combine(root, "remote.git");
            // The remote's HEAD names main whatever init.defaultBranch says here, so clones check main out.
            RunStoreBenchmark.Git(root, "init", "-q", "--bare", "--initial-branch=main", remote);
            RunStoreBenchmark.Git(root, "--git-dir", remote, "config", "receive.denyNonFastForwards", "true");
            var seed = DiffCheckoutSupport.NewRepo(Path.Combine(root, "seed"));
            RunStoreBenchmark.Git(seed, "remote", "add", "origin", remote);
            RunStoreBenchmark.Git(seed, "push", "-q", "origin", "main");
            var clones = new List<string>();
            for (var i = 0; i < n; i++)
            {
                var clone = Path.Combine(root, $"w{i}");
                RunStoreBenchmark.Git(root, "clone", "-q", remote, clone);
                RunStoreBenchmark.Git(clone, "config", "user.name", $"worker {i}");
                RunStoreBenchmark.Git(clone, "config", "user.email", $"w{i}@example.com");
                clones.Add(clone);
            }
            // Every worker records its runs first (not timed), then all push at the same moment.
            Parallel.ForEach(clones, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 }, clone =>
            {
                for (var r = 0; r < runs; r++)
                    Shell(clone, $"{gittrack} run -- true");
            });
            var watch = Stopwatch.StartNew();
            var pushes = clones.Select(clone => Task.Run(() => Shell(clone, $"{gittrack} push"))).ToArray();
            Task.WaitAll(pushes);
            var seconds = watch.Elapsed.TotalSeconds;
            var attempts = pushes.Select(p => AttemptsPattern().Match(p.Result) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1).ToArray();

            var ids = RunStoreBenchmark.Git(root, "--git-dir", remote, "ls-tree", "-r", "--name-only", "gittrack/runs", "runs/")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(p => p.EndsWith("/manifest.toml", StringComparison.Ordinal)).ToList();
            var once = ids.Count == ids.Distinct().Count() && ids.Count == n * runs;
            var fsck = Process.Start(new ProcessStartInfo("git", ["--git-dir", remote, "fsck", "--strict", "--no-progress"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            fsck.WaitForExit();

            // The peer: a plain fast-forward push of one new commit from one clone.
            File.WriteAllText(Path.Combine(seed, "more.txt"), "x");
            RunStoreBenchmark.Git(seed, "add", "-A");
            RunStoreBenchmark.Git(seed, "commit", "-q", "-m", "more");
            var git = Measure.Shell("git push -q origin main", seed);

            Console.WriteLine($"| {n} | {ids.Count} of {n * runs} | {(once ? "yes" : "NO")} | {(fsck.ExitCode == 0 ? "clean" : "FAILED")} | {seconds:F1} s | {attempts.Sum()} / {attempts.Max()} | {DiffCheckoutSupport.Ms(git)} |");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static string Shell(string folder, string command)
    {
        var info = new ProcessStartInfo("bash", ["-c", command]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} in {folder} failed ({process.ExitCode}): {stderr.Result}");
        return stdout;
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    [GeneratedRegex(@"after (\d+) attempts")]
    private static partial Regex AttemptsPattern();
}
