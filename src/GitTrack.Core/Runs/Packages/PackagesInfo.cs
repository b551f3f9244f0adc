namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// The manifest's <c>[environment]</c> table: which stored environment the run's packages are
/// (<see cref="Key"/>, the file <c>environments/&lt;2 hex&gt;/&lt;key&gt;.toml</c>), how many there are, where they were
/// read from (<see cref="Sources"/>: <c>python &lt;site-packages&gt;</c>, <c>conda &lt;prefix&gt;</c>, <c>nuget &lt;assets
/// file&gt;</c>, <c>system cuda</c>) and the lock files found in the work tree (<see cref="LockFiles"/>, paths from its
/// root; their content is in the code snapshot).
/// </summary>
public sealed record PackagesInfo
{
    /// <summary>The environment file's key (64 lowercase hex digits), or null when no package was found.</summary>
    public string? Key { get; init; }
    public int Count { get; init; }
    public IReadOnlyList<string> Sources { get; init; } = [];
    public IReadOnlyList<string> LockFiles { get; init; } = [];
}
