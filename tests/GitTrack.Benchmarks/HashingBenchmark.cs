using System.Diagnostics;
using System.Runtime.Intrinsics;
using GitTrack.Core.Hashing;

namespace GitTrack.Benchmarks;

/// <summary>
/// BLAKE3 throughput over one large in-memory buffer: each backend the machine accelerates on one thread,
/// UpdateParallel on all cores, beside b3sum (one thread and default threads) and sha256sum on the same bytes in a file.
/// </summary>
public sealed class HashingBenchmark : IBenchmark
{
    public string Name => "hash";

    public string Description => "BLAKE3 GB/s per backend and in parallel, beside b3sum and sha256sum (--mib N, --repeats N)";

    public int Run(string[] args)
    {
        int mib = Option(args, "--mib", 512);
        int repeats = Option(args, "--repeats", 5);
        long size = (long)mib << 20;
        var data = new byte[size];
        new Random(1).NextBytes(data);

        Console.WriteLine($"# BLAKE3 over {mib} MiB, median of {repeats} (after one warm-up), {Environment.ProcessorCount} cores");
        Console.WriteLine($"Vector128 accelerated: {Vector128.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, Vector512: {Vector512.IsHardwareAccelerated}");
        Console.WriteLine();

        var rows = new List<(string What, double? Seconds, string Note)>();
        Blake3Hash? reference = null;
        var backends = new List<Blake3Backend> { Blake3Backend.Scalar };
        if (Vector128.IsHardwareAccelerated) backends.Add(Blake3Backend.Vector128);
        if (Vector256.IsHardwareAccelerated) backends.Add(Blake3Backend.Vector256);
        if (Vector512.IsHardwareAccelerated) backends.Add(Blake3Backend.Vector512);
        backends.Add(Blake3Backend.Auto);
        foreach (var backend in backends)
        {
            // The scalar code is slow enough that three runs say all there is to say.
            int runs = backend == Blake3Backend.Scalar ? Math.Min(repeats, 3) : repeats;
            Blake3Hash hash = default;
            double t = Measure.Median(runs, () =>
            {
                var hasher = Blake3Hasher.Create();
                hasher.Backend = backend;
                hasher.Update(data);
                hash = hasher.Finalize();
            });
            reference ??= hash;
            Check(reference.Value, hash, backend.ToString());
            string label = backend == Blake3Backend.Auto ? $"GitTrack Update, Auto ({Resolve()}), 1 thread" : $"GitTrack Update, {backend}, 1 thread";
            rows.Add((label, t, "in memory"));
        }
        {
            Blake3Hash hash = default;
            double t = Measure.Median(repeats, () =>
            {
                var hasher = Blake3Hasher.Create();
                hasher.UpdateParallel(data);
                hash = hasher.Finalize();
            });
            Check(reference!.Value, hash, "UpdateParallel");
            rows.Add(($"GitTrack UpdateParallel, {Environment.ProcessorCount} threads", t, "in memory"));
        }

        string dir = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string file = Path.Combine(dir, $"gittrack-hash-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(file, data);
        try
        {
            double? b3One = null;
            if (Measure.HasTool("b3sum"))
            {
                Check(reference!.Value, B3sum(file), "b3sum");
                b3One = Measure.ShellMedian(repeats, $"b3sum --num-threads 1 '{file}' > /dev/null");
                rows.Add(("b3sum --num-threads 1", b3One, "reads the file (tmpfs), process start included"));
                rows.Add(("b3sum (default threads)", Measure.ShellMedian(repeats, $"b3sum '{file}' > /dev/null"), "reads the file (tmpfs), process start included"));
            }
            else
                Console.WriteLine("(b3sum not installed: apt-get install -y b3sum)");
            if (Measure.HasTool("sha256sum"))
                rows.Add(("sha256sum (once)", Measure.Shell($"sha256sum '{file}' > /dev/null"), "reads the file (tmpfs), one run"));

            Console.WriteLine("| what | GB/s | ratio to b3sum --num-threads 1 | note |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var (what, seconds, note) in rows)
            {
                string gbps = seconds is { } s ? $"{size / s / 1e9:F2}" : "n/a";
                string ratio = seconds is { } s2 && b3One is { } b ? $"{b / s2:F2}" : "n/a";
                Console.WriteLine($"| {what} | {gbps} | {ratio} | {note} |");
            }
        }
        finally
        {
            File.Delete(file);
        }
        return 0;
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
