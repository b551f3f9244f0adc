using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Listing;

/// <summary>
/// One page of a run listing: the runs shown, in order; where the page starts among the matches; how many runs
/// matched and how many there are in all (removed ones counted only when the query included them); the entries of
/// the runs branch that could not be read as runs (left out, each to be reported).
/// </summary>
public sealed record RunPage(IReadOnlyList<RunSummary> Runs, int Offset, int Matched, int Total, IReadOnlyList<UnreadableRun> Skipped)
{
    /// <summary>How many matching runs come after this page.</summary>
    public int Rest => Math.Max(0, Matched - Offset - Runs.Count);

    /// <summary>The page's columns: every param, metric and tag key, and those that vary.</summary>
    public RunColumns Columns => _columns ??= RunColumns.Of(Runs);

    private RunColumns? _columns;
}
