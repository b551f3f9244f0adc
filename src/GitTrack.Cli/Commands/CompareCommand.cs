using System.CommandLine;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
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
    /// <summary>One line of the comparison; <see cref="MetricKey"/> is the metric's name on metric rows.</summary>
    private sealed record Row(string Field, bool Differs, object?[] Values, string? MetricKey = null);

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
            var rows = Rows(records);
            if (parseResult.GetValue(json))
                WriteJson(context.Out, records, rows);
            else if (parseResult.GetValue(csv))
                WriteCsv(context.Out, records, rows);
            else
                WriteTable(context, store, records, rows);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>Run fields first (in a fixed order), then params, metrics and tags, those that differ before those that do not.</summary>
    private static List<Row> Rows(IReadOnlyList<RunRecord> runs)
    {
        var rows = new List<Row>
        {
            Fixed("id", runs, r => r.Id),
            Fixed("status", runs, r => Formats.Status(r.Status)),
            Fixed("started", runs, r => Csv.Time(r.StartedAt)),
            Fixed("duration", runs, r => r.Duration is { } d ? d.TotalSeconds : null),
            Fixed("source.branch", runs, r => r.Source.Branch),
            Fixed("source.commit", runs, r => r.Source.Commit),
            Fixed("parent", runs, r => r.Parent),
            Fixed("note", runs, r => r.Note),
        };
        var keyed = new List<Row>();
        keyed.AddRange(Keyed("params", runs, r => r.Params, isMetric: false));
        keyed.AddRange(Keyed("metrics", runs, r => r.Metrics.Where(p => !SystemMetricNames.IsSystem(p.Key)).ToDictionary(p => p.Key, p => (object)p.Value), isMetric: true));
        keyed.AddRange(Keyed("tags", runs, r => r.Tags.ToDictionary(p => p.Key, p => (object)p.Value), isMetric: false));
        // Stable: within each group the order stays params, metrics, tags, keys sorted.
        rows.AddRange(keyed.Where(r => r.Differs));
        rows.AddRange(keyed.Where(r => !r.Differs));
        // System metrics (last CPU, memory, GPU readings) differ between any two runs: after everything else, not
        // among the differences that matter.
        rows.AddRange(Keyed("metrics", runs, r => r.Metrics.Where(p => SystemMetricNames.IsSystem(p.Key)).ToDictionary(p => p.Key, p => (object)p.Value), isMetric: true));
        // Rows every run leaves empty (no note anywhere) say nothing.
        return rows.Where(r => r.Values.Any(v => v is not null)).ToList();
    }

    private static Row Fixed(string field, IReadOnlyList<RunRecord> runs, Func<RunRecord, object?> read)
    {
        var values = runs.Select(read).ToArray();
        return new Row(field, Differs(values), values);
    }

    private static IEnumerable<Row> Keyed(string root, IReadOnlyList<RunRecord> runs, Func<RunRecord, IReadOnlyDictionary<string, object>> read, bool isMetric)
    {
        var maps = runs.Select(read).ToList();
        foreach (var key in maps.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var values = maps.Select(m => m.TryGetValue(key, out var v) ? v : null).ToArray();
            // Named as a filter would name it, quotes and all (metrics."val/loss").
            yield return new Row(FieldPath.Keyed(Root(root), key).ToString(), Differs(values), values, isMetric ? key : null);
        }
    }

    private static FieldRoot Root(string root) => root switch
    {
        "params" => FieldRoot.Params,
        "metrics" => FieldRoot.Metrics,
        _ => FieldRoot.Tags,
    };

    /// <summary>A row differs when two runs hold different values, or one lacks it (NaN equals NaN; 1 differs from 1.0).</summary>
    private static bool Differs(object?[] values) => values.Skip(1).Any(v => !Equals(v, values[0]));

    private static string Header(RunRecord run, IReadOnlyList<RunRecord> runs) =>
        runs.Count(r => r.Name == run.Name) > 1 ? $"{run.Name} ({run.Id[..RunId.ShortLength]})" : run.Name;

    private static void WriteTable(CommandContext context, RunStore store, IReadOnlyList<RunRecord> runs, List<Row> rows)
    {
        // Histories are read only for the sparklines, which only a terminal shows.
        var histories = context.OutIsTerminal
            ? runs.Select(r => store.ReadHistory(r.Id).GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.Select(p => p.Value).ToList(), StringComparer.Ordinal)).ToList()
            : null;
        var table = new TextTable(["", "FIELD", .. runs.Select(r => Header(r, runs))]);
        for (var i = 0; i < runs.Count; i++)
            table.AlignRight(i + 2);
        foreach (var row in rows)
        {
            var cells = new List<string> { row.Differs ? "*" : "", row.Field };
            for (var i = 0; i < runs.Count; i++)
            {
                var value = row.Values[i];
                var text = value switch
                {
                    null => "-",
                    _ when row.Field == "id" => ((string)value)[..RunId.ShortLength],
                    _ when row.Field == "source.commit" => ((string)value)[..Math.Min(10, ((string)value).Length)],
                    _ when row.Field == "started" => Formats.Time(runs[i].StartedAt),
                    _ when row.Field == "duration" => Formats.Duration(runs[i].Duration),
                    double metricValue when row.MetricKey is not null => Formats.Number(metricValue),
                    _ => Formats.Param(value),
                };
                if (row.MetricKey is { } metric && histories is not null
                    && histories[i].TryGetValue(metric, out var history) && history.Count > 1)
                    text = $"{Sparkline.Of(history)} {text}";
                cells.Add(text);
            }
            table.Add(cells);
        }
        table.Write(context.Out, context.UseColor);
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<RunRecord> runs, List<Row> rows) =>
        JsonOutput.To(output, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("runs");
            foreach (var run in runs)
            {
                json.WriteStartObject();
                json.WriteString("id", run.Id);
                json.WriteString("name", run.Name);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("field", row.Field);
                json.WriteBoolean("differs", row.Differs);
                json.WriteStartArray("values");
                foreach (var value in row.Values)
                    WriteValue(json, value);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });

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

    private static void WriteCsv(TextWriter output, IReadOnlyList<RunRecord> runs, List<Row> rows)
    {
        Csv.WriteRow(output, ["field", "differs", .. runs.Select(r => Header(r, runs))]);
        foreach (var row in rows)
            Csv.WriteRow(output, [row.Field, row.Differs ? "true" : "false", .. row.Values.Select(Csv.Value)]);
    }
}
