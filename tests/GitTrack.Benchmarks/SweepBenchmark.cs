using System.Globalization;

namespace GitTrack.Benchmarks;

/// <summary>
/// <c>gittrack sweep</c> against its peer, the same trials as plain <c>gittrack run</c> calls started J at a time by
/// <c>xargs -P J</c>: N trials of <c>true</c> (the issue's target: the sweep takes at most twice the peer's time). Each
/// measurement starts from a fresh repository; sweep and peer alternate, so both see the same load.
/// </summary>
public sealed class SweepBenchmark : IBenchmark
{
    public string Name => "sweep";
    public string Description => "gittrack sweep of N trials of `true` against N plain `gittrack run -- true` (xargs -P J), same J";

    public int Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var gittrack = Arg("--native") ?? Arg("--gittrack") ?? RunStoreBenchmark.FindGitTrackDll();
        if (gittrack is null)
        {
            Console.Error.WriteLine("build gittrack first (dotnet build -c Release src/GitTrack.Cli), or pass --gittrack PATH/gittrack.dll or --native PATH/gittrack");
            return 2;
        }
        var start = RunStoreBenchmark.Start(Path.GetFullPath(gittrack));
        int trials = int.Parse(Arg("--trials") ?? "200", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
        var jobs = (Arg("--jobs") ?? "1,4").Split(',').Select(j => int.Parse(j, CultureInfo.InvariantCulture)).ToArray();
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-sweep-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"| {trials} trials of `true`, {(gittrack.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet gittrack.dll" : "native gittrack")} | "
                + $"{trials} × `gittrack run -- true` via `xargs -P J` (peer) | `gittrack sweep -p i=1..{trials} -j J -- true` | sweep / peer |");
            Console.WriteLine("|---|---:|---:|---:|");
            int n = 0;
            foreach (var j in jobs)
            {
                var peer = new List<double>();
                var sweep = new List<double>();
                for (int round = 0; round < rounds; round++)
                {
                    var peerRepo = RunStoreBenchmark.NewRepo(Path.Combine(root, $"r{n++}"));
                    if (Measure.Shell($"seq 1 {trials} | xargs -P {j} -I{{}} {start} run -- true", peerRepo) is { } p)
                        peer.Add(p);
                    var sweepRepo = RunStoreBenchmark.NewRepo(Path.Combine(root, $"r{n++}"));
                    if (Measure.Shell($"{start} sweep -p i=1..{trials} -j {j} -- true", sweepRepo) is { } s)
                        sweep.Add(s);
                    var count = RunStoreBenchmark.Git(sweepRepo, "ls-tree", "-r", "--name-only", "gittrack/runs", "runs/")
                        .Split('\n').Count(l => l.EndsWith("/manifest.toml", StringComparison.Ordinal));
                    if (count != trials + 1)
                        Console.Error.WriteLine($"  (the sweep recorded {count} runs, not {trials + 1})");
                }
                double mp = Measure.MedianOf(peer), ms = Measure.MedianOf(sweep);
                Console.WriteLine($"| -j {j}, median of {rounds} | {mp:F1} s ({mp / trials * 1000:F0} ms a run) | {ms:F1} s ({ms / trials * 1000:F0} ms a trial) | {ms / mp:F2} |");
            }
            Console.WriteLine();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        return 0;
    }
}
