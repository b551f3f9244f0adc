using GitTrack.Core.Diff;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Benchmarks;

/// <summary>
/// <c>gittrack diff</c> of two runs with 1,000,000 metric points each (four metrics): in-process (resolve both runs,
/// compare, git's stat of the code) and the real process, beside <c>git diff --stat</c> of the same two trees and the
/// cost of reading one run's history, which the diff never does.
/// </summary>
public sealed class DiffBenchmark : IBenchmark
{
    public string Name => "diff";
    public string Description => "gittrack diff of two runs with 1,000,000 metric points each, beside git diff --stat";

    private const int Points = 1_000_000;

    public int Run(string[] args)
    {
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-diff-{Guid.NewGuid():N}");
        try
        {
            var repo = DiffCheckoutSupport.NewRepo(Path.Combine(root, "repo"));
            var a = DiffCheckoutSupport.Record(repo, "a", 0, r => r with { Params = Params(0.1), Metrics = Last(0.5) }, History(1));
            File.WriteAllText(Path.Combine(repo, "train.py"), "lr = 0.01\nprint('hello')\n");
            var b = DiffCheckoutSupport.Record(repo, "b", 1, r => r with { Params = Params(0.01), Metrics = Last(0.25) }, History(2));
            var dirs = GitDirectories.Discover(repo);

            var inProcess = Measure.Median(15, () =>
            {
                using var store = RunStore.Open(dirs);
                var diff = RunDiffer.Compare(dirs, store.Resolve("a"), store.Resolve("b"));
                _ = CodeDiff.Stat(dirs, diff.A.Source.Tree, diff.B.Source.Tree, color: false);
            });
            var readHistory = Measure.Median(5, () =>
            {
                using var store = RunStore.Open(dirs);
                _ = store.ReadHistory(a.Id);
            });
            // diff [--gittrack PATH]: measure another build of gittrack.dll (a ReadyToRun publish, say).
            var dll = args.SkipWhile(a => a != "--gittrack").Skip(1).FirstOrDefault() ?? DiffCheckoutSupport.FindGitTrackDll();
            var process = dll is null ? null : Measure.ShellMedian(9, $"dotnet '{dll}' diff a b > /dev/null", repo);
            var startup = dll is null ? null : Measure.ShellMedian(9, $"dotnet '{dll}' version > /dev/null", repo);
            var git = Measure.ShellMedian(9, $"git diff --stat {a.Source.Tree} {b.Source.Tree} > /dev/null", repo);

            Console.WriteLine($"| two runs of {Points:N0} metric points each | median |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| diff in-process (open store, resolve both, compare, code stat), 15 runs | {DiffCheckoutSupport.Ms(inProcess)} |");
            Console.WriteLine($"| `gittrack diff a b` (real process, {dll ?? "not built"}), 9 runs | {DiffCheckoutSupport.Ms(process)} |");
            Console.WriteLine($"| `gittrack version` (process start-up alone), 9 runs | {DiffCheckoutSupport.Ms(startup)} |");
            Console.WriteLine($"| peer: `git diff --stat TREE_A TREE_B`, 9 runs | {DiffCheckoutSupport.Ms(git)} |");
            Console.WriteLine($"| for scale: reading one run's history (not done by diff), 5 runs | {DiffCheckoutSupport.Ms(readHistory)} |");
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

    private static SortedDictionary<string, object> Params(double lr) =>
        new(StringComparer.Ordinal) { ["lr"] = lr, ["epochs"] = 100L, ["optimizer"] = "adam" };

    private static SortedDictionary<string, double> Last(double loss) =>
        new(StringComparer.Ordinal) { ["loss"] = loss, ["val_loss"] = loss * 1.1, ["accuracy"] = 1 - loss, ["lr"] = 0.001 };

    private static List<MetricPoint> History(int seed)
    {
        var random = new Random(seed);
        var names = new[] { "loss", "val_loss", "accuracy", "lr" };
        var points = new List<MetricPoint>(Points);
        for (var i = 0; i < Points; i++)
            points.Add(new MetricPoint(names[i % 4], random.NextDouble(), i / 4, null));
        return points;
    }
}
