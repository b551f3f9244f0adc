using GitTrack.Core.Runs;

namespace GitTrack.Core.Diff;

/// <summary>
/// Everything that differs between run <see cref="A"/> and run <see cref="B"/>, unchanged entries included (their
/// <c>Kind</c> is <see cref="ChangeKind.Same"/>) so a caller can show them or leave them out. Each list is in
/// ordinal order of names. The code is compared separately (<see cref="CodeDiff"/>): it needs git and can be large.
/// </summary>
public sealed record RunDiff
{
    public required RunRecord A { get; init; }
    public required RunRecord B { get; init; }
    public required IReadOnlyList<ValueChange> Params { get; init; }
    public required IReadOnlyList<MetricChange> Metrics { get; init; }
    public required IReadOnlyList<ValueChange> Tags { get; init; }
    /// <summary>Status, exit code, duration, command, source commit, host fields (<c>host.*</c>) and runtimes (<c>runtime.*</c>).</summary>
    public required IReadOnlyList<ValueChange> Fields { get; init; }
    public required IReadOnlyList<ArtifactChange> Artifacts { get; init; }
    /// <summary>Package differences (<see cref="EnvironmentDiffer.Packages"/>); empty unless the caller read the environments.</summary>
    public IReadOnlyList<PackageChange> Packages { get; init; } = [];
    /// <summary>Input differences, by path.</summary>
    public IReadOnlyList<InputChange> Inputs { get; init; } = [];

    /// <summary>Whether the two code snapshots are the same tree (then there is no code difference at all).</summary>
    public bool SameCode => A.Source.Tree == B.Source.Tree;

    /// <summary>Whether anything at all differs, code included.</summary>
    public bool HasChanges => !SameCode
        || Params.Any(p => p.Kind != ChangeKind.Same) || Metrics.Any(m => m.Kind != ChangeKind.Same)
        || Tags.Any(t => t.Kind != ChangeKind.Same) || Fields.Any(f => f.Kind != ChangeKind.Same)
        || Artifacts.Any(a => a.Kind != ChangeKind.Same)
        || Packages.Any(p => p.Kind != ChangeKind.Same) || Inputs.Any(i => i.Kind != ChangeKind.Same);
}
