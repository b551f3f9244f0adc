using GitTrack.Core.Cache;
using GitTrack.Core.Checkout;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Benchmarks;

/// <summary>
/// <c>gittrack checkout --artifacts-only</c> of a run with one 512 MiB artifact (random, so zstd cannot shrink it),
/// in-process and as the real process, beside <c>cp</c> of the same file (page cache warm) and <c>b3sum</c> of it.
/// </summary>
public sealed class CheckoutBenchmark : IBenchmark
{
    public string Name => "checkout";
    public string Description => "restore a 512 MiB artifact (checkout --artifacts-only), beside cp and b3sum";

    private const int Size = 512 * 1024 * 1024;

    public int Run(string[] args)
    {
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-checkout-{Guid.NewGuid():N}");
        try
        {
            var repo = DiffCheckoutSupport.NewRepo(Path.Combine(root, "repo"));
            var dirs = GitDirectories.Discover(repo);
            var model = Path.Combine(repo, "models", "model.bin");
            Directory.CreateDirectory(Path.GetDirectoryName(model)!);
            var bytes = new byte[Size];
            new Random(1).NextBytes(bytes);
            File.WriteAllBytes(model, bytes);
            var copySource = Path.Combine(root, "model.src");
            File.WriteAllBytes(copySource, bytes);
            var cache = ArtifactCache.Open(dirs);
            var key = cache.AddFile(model);
            var run = DiffCheckoutSupport.Record(repo, "big", 0, r => r with { Artifacts = [new ArtifactEntry("models/model.bin", key, Size)] });

            var inProcess = Measure.Median(7,
                () => RunCheckout.Apply(dirs, run, cache, new CheckoutOptions { ArtifactsOnly = true }),
                beforeEach: () => File.Delete(model));
            if (!File.ReadAllBytes(model).AsSpan().SequenceEqual(bytes))
                throw new InvalidOperationException("restored bytes differ");
            var restoreOnly = Measure.Median(7, () => cache.RestoreTo(key, model), beforeEach: () => File.Delete(model));
            var dll = args.SkipWhile(a => a != "--gittrack").Skip(1).FirstOrDefault() ?? DiffCheckoutSupport.FindGitTrackDll();
            var process = dll is null ? null
                : Measure.ShellMedian(7, $"dotnet '{dll}' checkout big --artifacts-only 2> /dev/null", repo, beforeEach: "rm -f models/model.bin");
            var cp = Measure.ShellMedian(7, $"cp '{copySource}' models/model.bin", repo, beforeEach: "rm -f models/model.bin");
            var b3sum = Measure.HasTool("b3sum") ? Measure.ShellMedian(7, $"b3sum '{copySource}' > /dev/null", repo) : null;

            Console.WriteLine("| restore one 512 MiB artifact | median of 7 | throughput |");
            Console.WriteLine("|---|---:|---:|");
            Row("checkout in-process (stage, verify, fsync, rename)", inProcess);
            Row("  of which `ArtifactCache.RestoreTo` alone (the same work without checkout's checks)", restoreOnly);
            Row($"`gittrack checkout big --artifacts-only` (real process, {dll ?? "not built"})", process);
            Row("peer: `cp` of the same file (no verification, no fsync)", cp);
            Row("peer: `b3sum` of the same file", b3sum);
            return 0;
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
    }

    private static void Row(string what, double? seconds) =>
        Console.WriteLine($"| {what} | {DiffCheckoutSupport.Ms(seconds)} | {(seconds is { } s ? Measure.GBps(Size, s) : "n/a")} |");
}
