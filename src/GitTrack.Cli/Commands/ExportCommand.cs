using System.CommandLine;
using System.Text;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack export</c>: the runs matching <c>--filter</c> as CSV, JSON lines or JSON, one row per run with its
/// params, metrics and tags flattened (<c>params.lr</c>, <c>metrics.val_loss</c>, <c>tags.team</c>), or with
/// <c>--history</c> one row per logged metric point. The schema is docs/export.md.
/// </summary>
public static class ExportCommand
{
    private static readonly string[] RunColumns =
        ["id", "name", "status", "exit_code", "started_at", "ended_at", "duration_s", "source.commit", "source.branch", "parent", "note"];

    private static readonly string[] HistoryColumns = ["run_id", "run_name", "metric", "step", "timestamp", "value"];

    public static Command Create(CommandContext context)
    {
        var filter = RunSelection.FilterOption();
        var sort = RunSelection.SortOption();
        var limit = RunSelection.LimitOption();
        var format = new Option<string>("--format") { Description = "csv, jsonl (one JSON object per line) or json (one array)", Required = true };
        format.AcceptOnlyFromAmong("csv", "jsonl", "json");
        var history = new Option<bool>("--history") { Description = "One row per logged metric point instead of one per run" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to FILE (atomically) instead of standard output" };
        var command = new Command("export", "Export runs (or their metric histories) as CSV, JSON lines or JSON");
        command.Options.Add(filter);
        command.Options.Add(sort);
        command.Options.Add(limit);
        command.Options.Add(format);
        command.Options.Add(history);
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var runs = RunSelection.Select(store, context.Error, parseResult.GetValue(filter), parseResult.GetValue(sort), parseResult.GetValue(limit));
            var kind = parseResult.GetValue(format)!;
            Action<TextWriter> write = parseResult.GetValue(history)
                ? writer => WriteHistory(writer, store, runs, kind)
                : writer => WriteRuns(writer, runs, kind);
            if (parseResult.GetValue(output) is { } path)
            {
                WriteFile(context.FullPath(path), write);
                context.Error.WriteLine(TerminalText.Escape($"exported {runs.Count} run{(runs.Count == 1 ? "" : "s")} to {path}"));
            }
            else
            {
                write(context.Out);
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>Writes next to the target and renames into place, so a reader never sees half an export.</summary>
    private static void WriteFile(string path, Action<TextWriter> write)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
            throw new InvalidInputException($"folder '{directory}' does not exist", "create it first, or give another -o path");
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                write(writer);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static void WriteRuns(TextWriter output, IReadOnlyList<RunSummary> runs, string format)
    {
        switch (format)
        {
            case "csv":
                var paramKeys = Keys(runs, r => r.Params.Keys);
                var metricKeys = Keys(runs, r => r.Metrics.Keys);
                var tagKeys = Keys(runs, r => r.Tags.Keys);
                Csv.WriteRow(output, [.. RunColumns, .. paramKeys.Select(k => "params." + k), .. metricKeys.Select(k => "metrics." + k), .. tagKeys.Select(k => "tags." + k)]);
                foreach (var run in runs)
                {
                    Csv.WriteRow(output,
                    [
                        run.Id, run.Name, Formats.Status(run.Status), run.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Csv.Time(run.StartedAt), Csv.Time(run.EndedAt), run.Duration is { } d ? Csv.Number(d.TotalSeconds) : null,
                        run.SourceCommit, run.SourceBranch, run.Parent, run.Note,
                        .. paramKeys.Select(k => run.Params.TryGetValue(k, out var v) ? Csv.Value(v) : null),
                        .. metricKeys.Select(k => run.Metrics.TryGetValue(k, out var v) ? Csv.Number(v) : null),
                        .. tagKeys.Select(k => run.Tags.GetValueOrDefault(k)),
                    ]);
                }
                break;
            case "jsonl":
                foreach (var run in runs)
                    output.Write(JsonLine(json => RunJson.WriteSummary(json, run)));
                break;
            default:
                JsonOutput.To(output, json =>
                {
                    json.WriteStartArray();
                    foreach (var run in runs)
                        RunJson.WriteSummary(json, run);
                    json.WriteEndArray();
                });
                break;
        }
    }

    private static void WriteHistory(TextWriter output, RunStore store, IReadOnlyList<RunSummary> runs, string format)
    {
        if (format == "csv")
            Csv.WriteRow(output, HistoryColumns);
        else if (format == "json")
            output.Write("[");
        var first = true;
        foreach (var run in runs)
        {
            foreach (var point in store.ReadHistory(run.Id))
            {
                if (format == "csv")
                {
                    Csv.WriteRow(output, [run.Id, run.Name, point.Name, point.Step?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Csv.Time(point.Timestamp), Csv.Number(point.Value)]);
                    continue;
                }
                var line = JsonLine(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("run_id", run.Id);
                    json.WriteString("run_name", run.Name);
                    json.WriteString("metric", point.Name);
                    if (point.Step is { } step)
                        json.WriteNumber("step", step);
                    else
                        json.WriteNull("step");
                    if (point.Timestamp is { } timestamp)
                        json.WriteString("timestamp", Csv.Time(timestamp));
                    else
                        json.WriteNull("timestamp");
                    json.WritePropertyName("value");
                    CompareCommand.WriteValue(json, point.Value);
                    json.WriteEndObject();
                });
                if (format == "json")
                {
                    output.Write(first ? "\n" : ",\n");
                    output.Write(line.TrimEnd('\n'));
                }
                else
                {
                    output.Write(line);
                }
                first = false;
            }
        }
        if (format == "json")
            output.Write(first ? "]\n" : "\n]\n");
    }

    private static List<string> Keys(IReadOnlyList<RunSummary> runs, Func<RunSummary, IEnumerable<string>> keys) =>
        runs.SelectMany(keys).Distinct().Order(StringComparer.Ordinal).ToList();

    private static string JsonLine(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }
}
