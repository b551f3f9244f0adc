using System.Diagnostics;
using System.Runtime.Intrinsics;
using GitTrack.Core.Hashing;

namespace GitTrack.Benchmarks;

/// <summary>
/// BLAKE3 throughput of the Blake3 package (as <see cref="Blake3Hasher"/> calls it) over one large in-memory buffer, on one
/// thread and on all cores, beside b3sum (one thread and default threads) and sha256sum on the same bytes in a file.
/// </summary>
public sealed class HashingBenchmark : IBenchmark
{
    public string Name => "hash";

    public string Description => "BLAKE3 GB/s of the Blake3 package, one thread and in parallel, beside b3sum and sha256sum (--mib N, --repeats N)";

    public int Run(string[] args)
    {
        int mib = Option(args, "--mib", 512);
        int repeats = Option(args, "--repeats", 5);
        long size = (long)mib << 20;
        var data = new byte[size];
        new Random(1).NextBytes(data);

        Console.WriteLine($"# BLAKE3 over {mib} MiB, median of {repeats} interleaved rounds (after one warm-up), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Vector128 accelerated: {Vector128.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, Vector512: {Vector512.IsHardwareAccelerated}");
        Console.WriteLine();

        string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string file = Path.Combine(dir, $"gittrack-hash-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(file, data);
        try
        {
            var expected = Blake3Hasher.Hash(data);
            // Each contender runs once per round, in turn, so that all of them see the same background load
            // (the machine is shared); the table shows the median of the rounds.
            var contenders = new List<Contender>
            {
                new($"Blake3 package Update, {Resolve()}, 1 thread", "in memory", () => Time(() =>
                {
                    using var hasher = Blake3Hasher.Create();
                    hasher.Update(data);
                    Check(expected, hasher.Finalize(), "Update");
                }), repeats),
                new("Blake3 package Update in 64 KiB pieces, 1 thread", "in memory, as a file stream feeds it", () => Time(() =>
                {
                    using var hasher = Blake3Hasher.Create();
                    for (int offset = 0; offset < data.Length; offset += 65_536)
                        hasher.Update(data.AsSpan(offset, Math.Min(65_536, data.Length - offset)));
                    Check(expected, hasher.Finalize(), "Update in pieces");
                }), repeats),
                new($"Blake3 package UpdateWithJoin, {Environment.ProcessorCount} threads", "in memory", () => Time(() =>
                {
                    using var hasher = Blake3.Hasher.New();
                    hasher.UpdateWithJoin(data);
                    Check(expected, Blake3Hash.Parse(hasher.Finalize().ToString()), "UpdateWithJoin");
                }), repeats),
                new($"Blake3 package UpdateWithJoin in 8 MiB blocks, {Environment.ProcessorCount} threads", "in memory, 8 MiB blocks as a cache add reads them", () => Time(() =>
                {
                    using var hasher = Blake3.Hasher.New();
                    for (int offset = 0; offset < data.Length; offset += 8 << 20)
                        hasher.UpdateWithJoin(data.AsSpan(offset, Math.Min(8 << 20, data.Length - offset)));
                    Check(expected, Blake3Hash.Parse(hasher.Finalize().ToString()), "UpdateWithJoin in blocks");
                }), repeats),
            };
            Contender? b3One = null;
            if (Measure.HasTool("b3sum"))
            {
                Check(expected, B3sum(file), "b3sum");
                b3One = new Contender("b3sum --num-threads 1", "reads the file (tmpfs), process start included",
                    () => Measure.Shell($"b3sum --num-threads 1 '{file}' > /dev/null"), repeats);
                contenders.Add(b3One);
                contenders.Add(new Contender("b3sum (default threads)", "reads the file (tmpfs), process start included",
                    () => Measure.Shell($"b3sum '{file}' > /dev/null"), repeats));
            }
            else
                Console.WriteLine("(b3sum not installed: apt-get install -y b3sum)");
            if (Measure.HasTool("sha256sum"))
                contenders.Add(new Contender("sha256sum (once)", "reads the file (tmpfs), one run", () => Measure.Shell($"sha256sum '{file}' > /dev/null"), 1, WarmUp: false));

            foreach (var c in contenders.Where(c => c.WarmUp))
                c.TimeOnce();
            var times = contenders.ToDictionary(c => c, _ => new List<double>());
            for (int round = 0; round < repeats; round++)
                foreach (var c in contenders.Where(c => round < c.Rounds))
                    if (c.TimeOnce() is { } t)
                        times[c].Add(t);

            double? b3Median = b3One is null ? null : Measure.MedianOf(times[b3One]);
            Console.WriteLine("| what | GB/s | ratio to b3sum --num-threads 1 | note |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var c in contenders)
            {
                double? seconds = times[c].Count > 0 ? Measure.MedianOf(times[c]) : null;
                string gbps = seconds is { } s ? $"{size / s / 1e9:F2}" : "n/a";
                string ratio = seconds is { } s2 && b3Median is { } b ? $"{b / s2:F2}" : "n/a";
                Console.WriteLine($"| {c.What} | {gbps} | {ratio} | {c.Note} |");
            }
        }
        finally
        {
            File.Delete(file);
        }
        return 0;
    }

    private sealed record Contender(string What, string Note, Func<double?> TimeOnce, int Rounds, bool WarmUp = true);

    private static double? Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    private static string Resolve() =>
        Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "Scalar";

    private static void Check(Blake3Hash expected, Blake3Hash actual, string what)
    {
        if (expected != actual)
            throw new InvalidOperationException($"{what} gave {actual}, expected {expected}");
    }

    private static Blake3Hash B3sum(string file)
    {
        var info = new ProcessStartInfo("b3sum", ["--no-names", file]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return Blake3Hash.Parse(output);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int value) ? value : fallback;
    }
}
