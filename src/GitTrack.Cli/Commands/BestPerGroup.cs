using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack best --per KEY</c>: the runs grouped by the value of a param or tag (model family, dataset, sweep),
/// and the best of each group, groups in order of their best run. Runs without the key belong to no group.
/// </summary>
internal static class BestPerGroup
{
    public static int Write(CommandContext context, IReadOnlyList<RunSummary> runs, string key, string metric, bool higherIsBetter, int count, bool json)
    {
        var (kind, name) = Parse(key, runs);
        var groups = runs
            .Select(r => (Run: r, Value: ValueOf(r, kind, name)))
            .Where(x => x.Value is not null)
            .GroupBy(x => x.Value!, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Best: BestCommand.Rank(g.Select(x => x.Run), metric, higherIsBetter, count)))
            .Where(g => g.Best.Count > 0)
            .OrderBy(g => higherIsBetter ? -g.Best[0].Metrics[metric] : g.Best[0].Metrics[metric])
            .ThenBy(g => g.Value, StringComparer.Ordinal)
            .ToList();
        var label = $"{kind}.{name}";
        if (json)
        {
            JsonOutput.To(context.Out, writer =>
            {
                writer.WriteStartArray();
                foreach (var (value, best) in groups)
                {
                    writer.WriteStartObject();
                    writer.WriteString("per", label);
                    writer.WriteString("value", value);
                    writer.WriteStartArray("runs");
                    foreach (var run in best)
                        RunJson.WriteSummary(writer, run);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            });
            return (int)ExitCode.Ok;
        }
        if (groups.Count == 0)
            throw new NotFoundException($"no matching run has both {label} and metric '{metric}'", "see 'gittrack ls --columns name,params.*,tags.*,metrics.*'");
        var rows = groups.SelectMany(g => g.Best).ToList();
        var table = LsCommand.Render(rows, metric);
        context.Error.WriteLine($"best by {metric} ({(higherIsBetter ? "highest" : "lowest")} last value) per {label}, {groups.Count} groups of {runs.Count} matching runs:");
        // The group's value leads each row, so the table reads as one line per family.
        var grouped = new TextTable([label, .. table.Headers]);
        var rowIndex = 0;
        foreach (var (value, best) in groups)
            foreach (var _ in best)
                grouped.Add([ImportCommand.Printable(value), .. table.Row(rowIndex++)]);
        grouped.Write(context.Out, context.UseColor);
        return (int)ExitCode.Ok;
    }

    private static (string Kind, string Name) Parse(string key, IReadOnlyList<RunSummary> runs)
    {
        if (key.StartsWith("params.", StringComparison.Ordinal) && key.Length > 7)
            return ("params", key[7..]);
        if (key.StartsWith("tags.", StringComparison.Ordinal) && key.Length > 5)
            return ("tags", key[5..]);
        if (key.Length == 0)
            throw new InvalidInputException("--per needs a param or tag name", "for example --per params.model or --per tags.dataset");
        return runs.Any(r => r.Params.ContainsKey(key)) ? ("params", key) : ("tags", key);
    }

    private static string? ValueOf(RunSummary run, string kind, string name) => kind == "params"
        ? run.Params.TryGetValue(name, out var p) ? Formats.Param(p) : null
        : run.Tags.TryGetValue(name, out var t) ? t : null;
}
