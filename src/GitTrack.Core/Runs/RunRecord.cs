namespace GitTrack.Core.Runs;

/// <summary>
/// Everything recorded about one run: what the manifest (docs/format.md) holds, in memory. Params are typed:
/// each value is a <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="string"/>.
/// Metric histories are kept apart (<see cref="MetricPoint"/>); <see cref="Metrics"/> holds each metric's last value.
/// </summary>
public sealed record RunRecord
{
    /// <summary>The manifest schema this version writes (docs/format.md); schema 1 is still read.</summary>
    public const int SchemaVersion = 2;

    /// <summary>The schema the manifest was read with (what is written is always <see cref="SchemaVersion"/>).</summary>
    public int Schema { get; init; } = SchemaVersion;
    /// <summary>
    /// How many times the recorder saved this manifest (1 when the run started, more with <c>--push-every</c>, then
    /// the final save). When two copies of the branch hold different manifests for one run, merging keeps the later
    /// state by this number (docs/format.md, "Merging"). 0 for a schema 1 manifest, which has none.
    /// </summary>
    public int Revision { get; init; } = 1;
    public required string Id { get; init; }
    public required string Name { get; init; }
    public RunStatus Status { get; init; }
    public int? ExitCode { get; init; }
    /// <summary>Why the run failed when there is no exit code to say it (command not found...).</summary>
    public string? Error { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>The folder the command ran in, relative to the work tree root ("" for the root).</summary>
    public string WorkingDirectory { get; init; } = "";
    public string? Note { get; init; }
    /// <summary>The run whose environment this one was started in (nested runs), or null.</summary>
    public string? Parent { get; init; }
    /// <summary>The run this one re-ran (<c>gittrack rerun</c>), or null.</summary>
    public string? Reproduces { get; init; }
    public required SourceInfo Source { get; init; }
    public ProcessInfo? Process { get; init; }
    public HostInfo? Host { get; init; }
    /// <summary>Runtime versions found (dotnet, python, gittrack).</summary>
    public IReadOnlyDictionary<string, string> Runtimes { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>The environment, secrets already masked.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, object> Params { get; init; } = new SortedDictionary<string, object>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyList<ArtifactEntry> Artifacts { get; init; } = [];
    /// <summary>The captured stdout and stderr, interleaved, as a cache object; null while running.</summary>
    public ArtifactEntry? Log { get; init; }
    /// <summary>Where an imported run came from (<c>gittrack import mlflow</c>), or null for a run recorded here.</summary>
    public RunOrigin? Origin { get; init; }
    /// <summary>The packages of the environment the command ran in (the manifest's <c>[environment]</c>), or null when not captured.</summary>
    public Packages.PackagesInfo? Packages { get; init; }
    /// <summary>The data the run read (<c>--input</c>, <c>input</c> events), by path.</summary>
    public IReadOnlyList<InputEntry> Inputs { get; init; } = [];

    public TimeSpan? Duration => EndedAt is { } end ? end - StartedAt : null;
}
