using System.Diagnostics;
using System.Text;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Benchmarks;

/// <summary>
/// Ingesting the events file: 1,000,000 metric lines (as Python's json.dumps writes them, three metric names,
/// steps and a few NaNs) read by <see cref="EventsFileReader"/>; the peer is Python reading the same file with
/// json.loads line by line. Target: 1,000,000 lines in 2 s or less.
/// </summary>
public sealed class EventsBenchmark : IBenchmark
{
    public string Name => "events";
    public string Description => "ingest 1,000,000 metric lines from the events file (target <= 2 s); peer: python json.loads";

    public int Run(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        int repeats = args.Length > 1 ? int.Parse(args[1]) : 5;
        var dir = Directory.CreateTempSubdirectory("gittrack-bench-events-").FullName;
        try
        {
            var path = Path.Combine(dir, "events.jsonl");
            WriteEvents(path, lines);
            long bytes = new FileInfo(path).Length;
            Console.WriteLine($"{lines:N0} lines, {bytes / 1e6:F1} MB, {Environment.ProcessorCount} cores");

            int count = 0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var ours = Measure.Median(repeats, () =>
            {
                using var reader = new EventsFileReader(path);
                var batch = reader.ReadNew(final: true);
                if (batch.Problems.Count != 0)
                    throw new InvalidOperationException(batch.Problems[0].ToString());
                count = batch.Metrics.Count;
            });
            var cpuPerRead = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / (repeats + 1);
            if (count != lines)
                throw new InvalidOperationException($"read {count} metrics, expected {lines}");

            // The same work split in 64 KiB appends, as a child writing while gittrack polls would leave it.
            var incremental = Measure.Median(repeats, () => ReadWhileGrowing(path, dir));

            double? python = Measure.HasTool("python3")
                ? Measure.ShellMedian(Math.Min(repeats, 3), $"python3 -c \"import json\nfor l in open('{path}'): json.loads(l)\"")
                : null;

            Console.WriteLine();
            Console.WriteLine("| what | median | lines/s |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| gittrack EventsFileReader, whole file | {ours:F3} s | {lines / ours / 1e6:F2} M |");
            Console.WriteLine($"| (CPU time per whole-file read, mean, GC threads included) | {cpuPerRead:F3} s | |");
            Console.WriteLine($"| gittrack EventsFileReader, 64 KiB appends polled | {incremental:F3} s | {lines / incremental / 1e6:F2} M |");
            Console.WriteLine(python is { } p
                ? $"| python3 json.loads per line (peer) | {p:F3} s | {lines / p / 1e6:F2} M |"
                : "| python3 json.loads per line (peer) | not installed | |");
            return ours <= 2.0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteEvents(string path, int lines)
    {
        string[] names = ["loss", "val/accuracy", "learning_rate"];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var random = new Random(42);
        for (int i = 0; i < lines; i++)
        {
            var value = i % 100_000 == 99_999 ? "NaN" : random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            writer.Write($"{{\"type\": \"metric\", \"name\": \"{names[i % 3]}\", \"value\": {value}, \"step\": {i / 3}}}\n");
        }
    }

    private static void ReadWhileGrowing(string source, string dir)
    {
        var target = Path.Combine(dir, "growing.jsonl");
        File.Delete(target);
        var data = File.ReadAllBytes(source);
        using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        using var reader = new EventsFileReader(target);
        int metrics = 0;
        for (int offset = 0; offset < data.Length; offset += 1 << 16)
        {
            output.Write(data, offset, Math.Min(1 << 16, data.Length - offset));
            output.Flush();
            metrics += reader.ReadNew().Metrics.Count;
        }
        metrics += reader.ReadNew(final: true).Metrics.Count;
        Debug.Assert(metrics > 0);
    }
}
