using System.Diagnostics;
using System.Globalization;
using System.Text;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Benchmarks;

/// <summary>
/// A long run, time compressed: a real <see cref="RunSession"/> fed the events of a run that logs 10 metrics every
/// second for 24 hours, polled once per simulated checkpoint interval (5 s: 17,280 checkpoints), then ended and
/// pushed. What counts is bytes: everything written to git (loose objects, locally; the pack on the remote) against
/// the run's final stored size, and the time to read its history back. With <c>--push-every S</c> the run's state is
/// also committed and pushed every S simulated seconds, as <c>gittrack run --push-every</c> does.
/// </summary>
public sealed class LongRunBenchmark : IBenchmark
{
    public string Name => "longrun";
    public string Description => "a simulated 24-hour run (10 metrics/s, 5 s checkpoints): git bytes written vs final size, history read time";

    public int Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var hours = double.Parse(Arg("--hours") ?? "24", CultureInfo.InvariantCulture);
        var metrics = int.Parse(Arg("--metrics") ?? "10", CultureInfo.InvariantCulture);
        var checkpoint = int.Parse(Arg("--checkpoint") ?? "5", CultureInfo.InvariantCulture);
        var pushEvery = int.Parse(Arg("--push-every") ?? "0", CultureInfo.InvariantCulture);
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-longrun-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var remote = Path.Combine(root, "remote.git");
            RunStoreBenchmark.Git(root, "init", "-q", "--bare", remote);
            var repo = DiffCheckoutSupport.NewRepo(Path.Combine(root, "repo"));
            RunStoreBenchmark.Git(repo, "remote", "add", "origin", remote);
            RunStoreBenchmark.Git(repo, "push", "-q", "origin", "main");
            var remoteBefore = FolderBytes(Path.Combine(remote, "objects"));

            var options = new RunOptions
            {
                Command = ["simulated", "training"],
                WorkingDirectory = repo,
                CheckpointInterval = TimeSpan.Zero, // every poll below is one simulated checkpoint interval
            };
            var session = RunSession.Begin(options, null);
            var localBefore = FolderBytes(Path.Combine(repo, ".git", "objects"));
            var names = Enumerable.Range(0, metrics).Select(m => m == 0 ? "loss" : $"metric_{m}").ToArray();
            var seconds = (long)(hours * 3600);
            var random = new Random(1);
            var watch = Stopwatch.StartNew();
            long points = 0, pushes = 0;
            var line = new StringBuilder();
            using (var events = new StreamWriter(session.EventsPath, append: true, new UTF8Encoding(false)))
            {
                for (long t = 0; t < seconds; t += checkpoint)
                {
                    for (var s = t; s < Math.Min(seconds, t + checkpoint); s++)
                        foreach (var name in names)
                        {
                            line.Clear().Append("{\"type\":\"metric\",\"name\":\"").Append(name).Append("\",\"value\":")
                                .Append((random.NextDouble() / (1 + s / 3600.0)).ToString("R", CultureInfo.InvariantCulture))
                                .Append(",\"step\":").Append(s).Append('}');
                            events.WriteLine(line);
                            points++;
                        }
                    events.Flush();
                    session.Poll(final: false);
                    if (pushEvery > 0 && (t + checkpoint) % pushEvery < checkpoint)
                    {
                        PushProgress(session, repo);
                        pushes++;
                    }
                }
            }
            var feedSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var run = session.EndAsync(RunStatus.Completed, 0, null, DateTimeOffset.UtcNow).GetAwaiter().GetResult();
            var endSeconds = watch.Elapsed.TotalSeconds;
            session.Dispose();
            var localAfter = FolderBytes(Path.Combine(repo, ".git", "objects"));

            using (var store = RunStore.Open(GitDirectories.Discover(repo)))
                RunSync.Push(store, "origin");
            var remoteAfter = FolderBytes(Path.Combine(remote, "objects"));
            var final = FinalStoredBytes(repo, run.Id);
            var read = Measure.Median(5, () =>
            {
                using var store = RunStore.Open(GitDirectories.Discover(repo));
                _ = store.ReadHistory(run.Id);
            });
            var localCheckpointFolder = Path.Combine(repo, ".git", "gittrack", "active", run.Id);

            Console.WriteLine($"Simulated {hours:G} h, {metrics} metrics every second ({points:N0} points), a checkpoint every {checkpoint} s ({seconds / checkpoint:N0} checkpoints)" +
                (pushEvery > 0 ? $", its state committed and pushed every {pushEvery} s ({pushes:N0} pushes)" : "") +
                $"; {Environment.ProcessorCount} cores, load {SyncBenchmark.Load()}.");
            Console.WriteLine();
            Console.WriteLine("| what | bytes | × final size |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| final stored size (manifest, history segments, the run's trees; zlib as git stores them) | {final:N0} | 1.0 |");
            Console.WriteLine($"| git objects written locally while recording and at the end | {localAfter - localBefore:N0} | {(double)(localAfter - localBefore) / final:F2} |");
            Console.WriteLine($"| objects the remote received (packs) | {remoteAfter - remoteBefore:N0} | {(double)(remoteAfter - remoteBefore) / final:F2} |");
            Console.WriteLine();
            Console.WriteLine($"Feeding and checkpointing took {feedSeconds:F1} s, the end (last segment, manifest, commit) {endSeconds * 1000:F0} ms, " +
                $"reading the whole history back {read * 1000:F0} ms (median of 5). Local checkpoint folder removed at the end: {!Directory.Exists(localCheckpointFolder)}.");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    /// <summary>What <c>--push-every</c> does at each interval: the run's state committed as progress, the branch pushed.</summary>
    private static void PushProgress(RunSession session, string repo)
    {
        session.CommitProgress();
        using var store = RunStore.Open(GitDirectories.Discover(repo), recover: false);
        RunSync.Push(store, "origin");
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>The on-disk (zlib) size of the run folder's objects in the final tip: manifest, history blobs and trees.</summary>
    private static long FinalStoredBytes(string repo, string id)
    {
        var folder = $"gittrack/runs:runs/{id[..2]}/{id}";
        var ids = new List<string> { RunStoreBenchmark.Git(repo, "rev-parse", folder).Trim() };
        foreach (var entry in RunStoreBenchmark.Git(repo, "ls-tree", "-r", "-t", folder).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            ids.Add(entry.Split('\t')[0].Split(' ')[2]);
        var info = new ProcessStartInfo("git", ["cat-file", "--batch-check=%(objectsize:disk)"]) { WorkingDirectory = repo, RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        process.StandardInput.Write(string.Join('\n', ids) + "\n");
        process.StandardInput.Close();
        var sizes = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        return sizes.Sum(s => long.Parse(s, CultureInfo.InvariantCulture));
    }
}
