using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;

namespace GitTrack.Web.Api;

/// <summary>
/// The filter box's expression applied to the run list: the query language of <c>gittrack ls --filter</c>
/// (docs/query.md). A lone word that is not an expression (<c>baseline</c>) matches as a case-insensitive
/// substring of the run's name, id prefix or a tag, so typing a name just works.
/// </summary>
internal static class RunFilter
{
    public static IEnumerable<RunSummary> Apply(IReadOnlyCollection<RunSummary> runs, string? expression)
    {
        var text = expression?.Trim();
        if (string.IsNullOrEmpty(text))
            return runs;
        QueryExpression query;
        try
        {
            query = QueryParser.Parse(text);
        }
        catch (QuerySyntaxException) when (IsPlainWord(text))
        {
            return runs.Where(run => MatchesWord(run, text));
        }
        var keep = query.Compile(RunSummaryFields.Instance, QueryContext.WithNames(runs));
        return runs.Where(keep);
    }

    private static bool IsPlainWord(string text) => text.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/');

    private static bool MatchesWord(RunSummary run, string text) =>
        run.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
        || run.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)
        || run.Tags.Any(t => t.Key.Contains(text, StringComparison.OrdinalIgnoreCase) || t.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}
