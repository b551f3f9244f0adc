namespace GitTrack.Core.Runs;

/// <summary>What <c>gittrack run</c> (or an in-process <c>Run.Start</c>) asks the <see cref="RunRecorder"/> to record.</summary>
public sealed record RunOptions
{
    /// <summary>The command and its arguments, run without a shell. Empty for an in-process run.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>The folder the command runs in (and the repository is found from).</summary>
    public required string WorkingDirectory { get; init; }
    /// <summary>The run's name; null or empty takes the next <c>run_NNN</c>.</summary>
    public string? Name { get; init; }
    public IReadOnlyDictionary<string, object> Params { get; init; } = new SortedDictionary<string, object>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public string? Note { get; init; }
    /// <summary>Files or folders stored as artifacts when the run ends (relative to <see cref="WorkingDirectory"/>).</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];
    /// <summary>Files or folders the run reads (<c>--input</c>), relative to <see cref="WorkingDirectory"/>: hashed and recorded as it starts.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];
    /// <summary>Whether <see cref="Inputs"/> are stored in the artifact cache too (<c>--store</c>), not only hashed.</summary>
    public bool StoreInputs { get; init; }
    /// <summary>Whether to capture the environment's packages (docs/format.md "Environments"); on by default.</summary>
    public bool CapturePackages { get; init; } = true;
    /// <summary>The run this one reproduces (<c>gittrack rerun</c>).</summary>
    public string? Reproduces { get; init; }
    /// <summary>The parent run; by default the run whose environment (GITTRACK_RUN_ID) this process is in.</summary>
    public string? Parent { get; init; } = System.Environment.GetEnvironmentVariable("GITTRACK_RUN_ID") is { Length: > 0 } parent ? parent : null;
    /// <summary>Extra environment variables for the child (after the recorded, masked environment was taken).</summary>
    public IReadOnlyDictionary<string, string?> ExtraEnvironment { get; init; } = new Dictionary<string, string?>();
    /// <summary>
    /// A folder appended to the child's PYTHONPATH, after any entries it has (the Python client that ships with
    /// gittrack, docs/protocol.md); like the GITTRACK_* variables it is given, not recorded. Null adds nothing.
    /// </summary>
    public string? PythonPathAddition { get; init; }
    /// <summary>Where the child's output is passed through to (the terminal); null discards it (it is still logged).</summary>
    public Stream? StandardOutput { get; init; }
    public Stream? StandardError { get; init; }
    /// <summary>A local checkpoint at most this often while new events arrive (docs/format.md, "Checkpoints").</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// With <c>--push-every</c>: how often the running run's state is committed to the runs branch and pushed
    /// (null: only local checkpoints while it runs).
    /// </summary>
    public TimeSpan? PushEvery { get; init; }
    /// <summary>The remote <see cref="PushEvery"/> pushes to (null: the default remote, as <c>gittrack push</c> picks it).</summary>
    public string? PushRemote { get; init; }
    /// <summary>How long a save that fails (a full disk) is retried before the run's end gives up (GITTRACK_SAVE_RETRY_SECONDS).</summary>
    public TimeSpan SaveRetry { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the events file is read while the child runs.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How often system metrics (CPU, memory, disk, network, GPUs: <c>system/...</c>) are sampled; zero turns sampling off.</summary>
    public TimeSpan SystemInterval { get; init; } = SystemMetrics.SystemSampler.DefaultInterval;
    /// <summary>Called with each warning worth showing the user (skipped files, malformed events lines).</summary>
    public Action<string>? Warn { get; init; }
    /// <summary>Told when the run has begun and before it ends (the MLflow server of <c>gittrack run --mlflow</c>), or null.</summary>
    public IRunCompanion? Companion { get; init; }
}
