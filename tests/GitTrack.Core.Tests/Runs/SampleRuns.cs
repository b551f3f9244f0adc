using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Tests.Runs;

/// <summary>Run records for tests: one with every field set, and minimal ones over a given code tree.</summary>
internal static class SampleRuns
{
    public const string ZeroCommit = "0123456789abcdef0123456789abcdef01234567";

    public static RunRecord Full(string? id = null) => new()
    {
        Id = id ?? RunId.New(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)).Value,
        Name = "run_007",
        Status = RunStatus.Failed,
        ExitCode = 3,
        Error = "it \"broke\"\nbadly\t\u0001",
        StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.Zero).AddTicks(4560),
        EndedAt = new DateTimeOffset(2026, 1, 2, 4, 0, 0, TimeSpan.FromHours(2)),
        Command = ["python", "train.py", "--lr=0.1", "it's \"quoted\" \\ é 🚀"],
        WorkingDirectory = "src/train",
        Note = "first try",
        Parent = RunId.New(DateTimeOffset.UnixEpoch).Value,
        Source = new SourceInfo
        {
            Commit = ZeroCommit,
            Branch = "main",
            Remote = "https://example.com/x.git",
            Dirty = true,
            Tree = "fedcba9876543210fedcba9876543210fedcba98",
            SkippedFiles = ["data/big.bin"],
        },
        Process = new ProcessInfo(1234, "node-1", "boot-id-1"),
        Host = new HostInfo
        {
            Hostname = "node-1", Os = "Linux", Kernel = "6.1", Arch = "x64", Cpu = "Xeon", Cores = 16, MemoryBytes = 1L << 36,
            Gpus = [new GpuInfo("H100", 81559, "550.54", "GPU-1"), new GpuInfo("H100", 81559, null, null)],
        },
        Runtimes = Sorted(new() { ["python"] = "3.11.2", ["dotnet"] = "10.0.0" }),
        Environment = Sorted(new() { ["PATH"] = "/usr/bin", ["API_TOKEN"] = "***" }),
        Params = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = 0.1, ["epochs"] = 10L, ["use_gpu"] = true, ["optimizer"] = "adam", ["model.max_depth"] = 6L,
            ["weird key = \"x\""] = "v", ["big"] = 1e300, ["tiny"] = -1.5e-7, ["whole"] = 3.0,
        },
        Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = 0.25, ["val/loss"] = double.NaN, ["grad"] = double.PositiveInfinity, ["neg"] = double.NegativeInfinity,
        },
        Tags = Sorted(new() { ["team"] = "vision", ["dotted.tag"] = "yes" }),
        Artifacts =
        [
            new ArtifactEntry("models/model.zip", Blake3Hasher.Hash("model"u8), 5),
            new ArtifactEntry("plot.png", Blake3Hasher.Hash("plot"u8), 4),
        ],
        Log = new ArtifactEntry("gittrack.log", Blake3Hasher.Hash("log"u8), 3),
    };

    public static RunRecord Minimal(string tree, DateTimeOffset startedAt, string name = "", RunStatus status = RunStatus.Running) => new()
    {
        Id = RunId.New(startedAt).Value,
        Name = name,
        Status = status,
        StartedAt = startedAt,
        Command = ["true"],
        Source = new SourceInfo { Commit = ZeroCommit, Tree = tree },
    };

    private static SortedDictionary<string, string> Sorted(Dictionary<string, string> values) => new(values, StringComparer.Ordinal);
}
