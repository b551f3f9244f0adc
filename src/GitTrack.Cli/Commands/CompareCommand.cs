using System.CommandLine;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
using GitTrack.Core.Listing;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.SystemMetrics;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack compare RUN... | --filter EXPR</c>: runs side by side, one column per run and one row per param,
/// metric and tag, the rows whose values differ first and marked with <c>*</c>; on a terminal each metric value
/// carries a sparkline of its history. <c>--json</c> and <c>--csv</c> give the same rows for scripts.
/// </summary>
public static class CompareCommand
{
    public static Command Create(CommandContext context)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run ids, unique id prefixes (4+ digits) or unique names", Arity = ArgumentArity.ZeroOrMore };
        var filter = RunSelection.FilterOption();
        var sort = RunSelection.SortOption();
        var limit = RunSelection.LimitOption();
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print the comparison as CSV (a column per run)" };
        var command = new Command("compare", "Compare runs side by side: params, metrics and tags, differences first");
        command.Arguments.Add(runs);
        command.Options.Add(filter);
        command.Options.Add(sort);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.Options.Add(csv);
        command.SetAction(parseResult =>
        {
            var names = parseResult.GetValue(runs) ?? [];
            var filterText = parseResult.GetValue(filter);
            if ((names.Length == 0) == (filterText is null))
                throw new InvalidInputException(names.Length == 0 ? "no runs to compare" : "give runs or --filter, not both",
                    "e.g. 'gittrack compare run_003 run_007' or 'gittrack compare --filter \"params.lr < 0.01\"'");
            if (parseResult.GetValue(json) && parseResult.GetValue(csv))
                throw new InvalidInputException("--json and --csv contradict each other", "give one of them");
            using var store = context.OpenStore();
            var records = names.Length > 0
                ? names.Select(n => store.Resolve(n)).DistinctBy(r => r.Id).ToList()
                : RunSelection.Select(store, context.Error, filterText, parseResult.GetValue(sort), parseResult.GetValue(limit)).Select(r => store.Get(r.Id)).ToList();
            if (records.Count == 0)
                throw new NotFoundException("no runs match the filter", "loosen the filter; see 'gittrack ls'");
            // The rows and which of them differ are Core's (RunComparison), the same as the web UI's compare view.
            var comparison = RunComparison.Of(records);
            if (parseResult.GetValue(json))
                JsonOutput.To(context.Out, writer =>
                {
                    writer.WriteStartObject();
                    ComparisonJson.WriteProperties(writer, comparison);
                    writer.WriteEndObject();
                });
            else if (parseResult.GetValue(csv))
                WriteCsv(context.Out, comparison);
            else
                WriteTable(context, store, comparison);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static string Header(RunRecord run, IReadOnlyList<RunRecord> runs) =>
        runs.Count(r => r.Name == run.Name) > 1 ? $"{run.Name} ({run.Id[..RunId.ShortLength]})" : run.Name;

    private static void WriteTable(CommandContext context, RunStore store, RunComparison comparison)
    {
        var runs = comparison.Runs;
        // Histories are read only for the sparklines, which only a terminal shows.
        var histories = context.OutIsTerminal
            ? runs.Select(r => store.ReadHistory(r.Id).GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.Select(p => p.Value).ToList(), StringComparer.Ordinal)).ToList()
            : null;
        var table = new TextTable(["", "FIELD", .. runs.Select(r => Header(r, runs))]);
        for (var i = 0; i < runs.Count; i++)
            table.AlignRight(i + 2);
        foreach (var row in comparison.Rows)
        {
            var cells = new List<string> { row.Differs ? "*" : "", row.Field };
            var isMetric = row.Group is "metrics" or "system";
            for (var i = 0; i < runs.Count; i++)
            {
                var value = row.Values[i];
                var text = value switch
                {
                    null => "-",
                    _ when row.Field == "id" => ((string)value)[..RunId.ShortLength],
                    _ when row.Field == "source.commit" => ((string)value)[..Math.Min(10, ((string)value).Length)],
                    DateTimeOffset started => Formats.Time(started),
                    _ when row.Field == "duration" => Formats.Duration(runs[i].Duration),
                    double metricValue when isMetric => Formats.Number(metricValue),
                    _ => Formats.Param(value),
                };
                if (isMetric && row.Key is { } metric && histories is not null
                    && histories[i].TryGetValue(metric, out var history) && history.Count > 1)
                    text = $"{Sparkline.Of(history)} {text}";
                cells.Add(text);
            }
            table.Add(cells);
        }
        table.Write(context.Out, context.UseColor);
    }

    internal static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case long l: json.WriteNumberValue(l); break;
            case double d: GitTrack.Core.Runs.Capture.ParamValue.WriteJson(json, d, nonFiniteAsText: true); break;
            case bool b: json.WriteBooleanValue(b); break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }

    private static void WriteCsv(TextWriter output, RunComparison comparison)
    {
        var runs = comparison.Runs;
        Csv.WriteRow(output, ["field", "differs", .. runs.Select(r => Header(r, runs))]);
        foreach (var row in comparison.Rows)
            Csv.WriteRow(output, [row.Field, row.Differs ? "true" : "false", .. row.Values.Select(v => v is DateTimeOffset t ? Csv.Time(t) : Csv.Value(v))]);
    }
}
