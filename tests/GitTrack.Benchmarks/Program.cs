using GitTrack.Benchmarks;

// dotnet run -c Release --project tests/GitTrack.Benchmarks -- <benchmark> [options]
IBenchmark[] benchmarks =
[
    new HashingBenchmark(),
    new EventsBenchmark(),
    new RunStoreBenchmark(),
    new CacheBenchmark(),
    new QueryBenchmark(),
    new RunBenchmark(),
    new ClientBenchmark(),
    new UiBenchmark(),
    new DiffBenchmark(),
    new CheckoutBenchmark(),
    new HistoryBenchmark(),
    new SyncBenchmark(),
    new LongRunBenchmark(),
    new RenderBenchmark(),
    new SystemBenchmark(),
    new ArtifactsBenchmark(),
    new SweepBenchmark(),
    new PackagesBenchmark(),
];

if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/GitTrack.Benchmarks -- <benchmark> [options]");
    Console.WriteLine();
    foreach (var b in benchmarks)
        Console.WriteLine($"  {b.Name,-12} {b.Description}");
    return args.Length == 0 ? 2 : 0;
}

var chosen = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (chosen is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; try 'list'");
    return 2;
}
return chosen.Run(args[1..]);
