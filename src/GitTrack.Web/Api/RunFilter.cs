using GitTrack.Core.Runs;

namespace GitTrack.Web.Api;

/// <summary>
/// The filter box's expression applied to the run list.
/// SEAM: for now a case-insensitive substring of the run's name, id, a tag or a tag value; at merge this is
/// replaced by the query language (Core/Query, branch <c>query</c>), which the page already passes through as is.
/// </summary>
internal static class RunFilter
{
    public static IEnumerable<RunSummary> Apply(IEnumerable<RunSummary> runs, string? expression)
    {
        var text = expression?.Trim();
        if (string.IsNullOrEmpty(text))
            return runs;
        return runs.Where(run =>
            run.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
            || run.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)
            || run.Tags.Any(t => t.Key.Contains(text, StringComparison.OrdinalIgnoreCase) || t.Value.Contains(text, StringComparison.OrdinalIgnoreCase)));
    }
}
