using System.Diagnostics;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using LibGit2Sharp;

namespace GitTrack.Benchmarks;

/// <summary>
/// Reading a run's metric history: a run with 1,000,000 points (4 metrics, 16 segments) recorded through
/// <c>RunStore.Create</c> and <c>Save</c>, then <c>RunStore.ReadHistory</c> timed whole and in its parts (blob bytes
/// out of git, segment decoding), beside <c>git cat-file</c> of the same blobs.
/// </summary>
public sealed class HistoryBenchmark : IBenchmark
{
    public string Name => "history";
    public string Description => "RunStore.ReadHistory of a 1,000,000-point run: whole, blob reading, decoding; peer git cat-file";

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Run(string[] args)
    {
        var total = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-history-{Guid.NewGuid():N}");
        try
        {
            var repoPath = RunStoreBenchmark.NewRepo(root);
            var tree = RunStoreBenchmark.Git(repoPath, "rev-parse", "HEAD^{tree}").Trim();
            var points = Points(total);
            using var store = RunStore.Open(GitDirectories.Discover(repoPath));
            var half = points.Length / 2;
            var run = store.Create(NewRecord(tree), points[..half]);
            // Save writes the run's whole history (its sealed segments plus the tail given; none sealed here).
            store.Save(run with { Status = RunStatus.Completed, ExitCode = 0, EndedAt = run.StartedAt.AddMinutes(3) }, points);

            var count = 0;
            const int Rounds = 11;
            var readers = RunReader.HistoryReaders;
            // Side by side and one reader take turns, one read each per round, so a burst of load from elsewhere hits both alike.
            var sideBySide = new List<double>();
            var oneReader = new List<double>();
            for (var round = -1; round < Rounds; round++)
                foreach (var (n, times) in new[] { (readers, sideBySide), (1, oneReader) })
                {
                    RunReader.HistoryReaders = n;
                    var sw = Stopwatch.StartNew();
                    count = store.ReadHistory(run.Id).Count;
                    if (round >= 0)
                        times.Add(sw.Elapsed.TotalSeconds);
                    if (count != total)
                        throw new InvalidOperationException($"read {count} points, recorded {total}");
                }
            RunReader.HistoryReaders = readers;
            var whole = Measure.MedianOf(sideBySide);
            var inTurn = Measure.MedianOf(oneReader);

            // The parts: the segment blobs as bytes, then decoding them.
            using var repo = new Repository(repoPath);
            var historyPath = $"runs/{run.Id[..2]}/{run.Id}/history";
            // Fresh Blob objects each time, as ReadHistory gets them: LibGit2Sharp loads a blob once for Size and
            // once more for GetContentStream (libgit2 keeps no blobs in its object cache).
            Blob[] Blobs() => ((Tree)repo.Lookup<Commit>("refs/heads/gittrack/runs")[historyPath].Target)
                .OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => (Blob)e.Target).ToArray();
            var blobs = Blobs();
            var bytes = new List<byte[]>();
            var sized = Measure.Median(5, () => count = Blobs().Sum(b => (int)b.Size));
            var streamed = Measure.Median(5, () => bytes = Blobs().Select(b =>
            {
                var content = new byte[b.Size];
                using var stream = b.GetContentStream();
                stream.ReadExactly(content);
                return content;
            }).ToList());
            var decoded = Measure.Median(5, () => count = bytes.Sum(b => MetricHistoryCodec.Decode(b, "bench").Count));
            var ids = string.Join(' ', blobs.Select(b => b.Sha));
            var peer = Measure.ShellMedian(5, $"for b in {ids}; do git cat-file blob $b; done > /dev/null", repoPath);

            Console.WriteLine($"| metric history read, {total:N0} points (4 metrics, {blobs.Length} segments, {bytes.Sum(b => (long)b.Length):N0} bytes) | median of {Rounds} (parts: of 5) |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| `RunStore.ReadHistory` (whole, {readers} readers side by side: default on {Environment.ProcessorCount} cores) | {whole * 1000:F0} ms |");
            Console.WriteLine($"| `RunStore.ReadHistory` (whole, 1 reader) | {inTurn * 1000:F0} ms |");
            Console.WriteLine($"| part: segment blobs to bytes (`Blob.Size` + `Blob.GetContentStream`: two loads, zlib inflate) | {streamed * 1000:F0} ms |");
            Console.WriteLine($"| part: `Blob.Size` alone (one load) | {sized * 1000:F0} ms |");
            Console.WriteLine($"| part: `MetricHistoryCodec.Decode` of those bytes | {decoded * 1000:F0} ms |");
            Console.WriteLine($"| peer: `git cat-file blob` of the same {blobs.Length} blobs (one process each) | {(peer is { } p ? $"{p * 1000:F0} ms" : "failed")} |");
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

    internal static MetricPoint[] Points(int total)
    {
        var random = new Random(1);
        var points = new MetricPoint[total];
        var loss = 2.0;
        for (var i = 0; i < points.Length; i++)
        {
            loss = loss * 0.99999 + random.NextDouble() * 1e-3;
            points[i] = new MetricPoint((i % 4) switch { 0 => "loss", 1 => "val/loss", 2 => "lr", _ => "acc" },
                i % 4 == 2 ? 0.001 : loss, i / 4, T0.AddMilliseconds(i * 2L));
        }
        return points;
    }

    private static RunRecord NewRecord(string tree) => new()
    {
        Id = RunId.New(T0).Value,
        Name = "",
        Status = RunStatus.Running,
        StartedAt = T0,
        Command = ["python", "train.py"],
        Source = new SourceInfo { Commit = new string('0', 40), Branch = "main", Tree = tree },
        Process = new ProcessInfo(1, "bench", null),
        Environment = new SortedDictionary<string, string>(StringComparer.Ordinal),
        Params = new SortedDictionary<string, object>(StringComparer.Ordinal),
        Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal),
    };
}
