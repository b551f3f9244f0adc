using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Listing;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack ls</c>: runs newest first (or as <c>--sort</c> says), filtered by <c>--filter</c>, children indented
/// under their parent unless <c>--flat</c>, with the params and metrics that differ between runs or <c>--columns</c>.
/// </summary>
public static class LsCommand
{
    /// <summary>How many runs the table shows when neither <c>--limit</c> nor <c>--no-limit</c> is given.</summary>
    public const int DefaultRows = 50;

    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the runs as a JSON array" };
        var filter = RunSelection.FilterOption();
        var sort = RunSelection.SortOption();
        var limit = RunSelection.LimitOption();
        var columns = new Option<string?>("--columns", "-c")
        {
            Description = "Show these fields, e.g. id,name,params.lr,metrics.* (default: id, name, status, start, duration, then what differs)",
        };
        var flat = new Option<bool>("--flat") { Description = "List nested runs plainly instead of under their parent" };
        var all = new Option<bool>("--all", "-a") { Description = "Include runs hidden by 'gittrack rm'" };
        var noLimit = new Option<bool>("--no-limit") { Description = $"Show every run in the table (by default the newest {DefaultRows}, and how many more there are)" };
        var command = new Command("ls", "List recorded runs, newest first");
        command.Options.Add(filter);
        command.Options.Add(sort);
        command.Options.Add(columns);
        command.Options.Add(limit);
        command.Options.Add(flat);
        command.Options.Add(all);
        command.Options.Add(noLimit);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            // Parsed before the store is opened, so a bad column list is reported even outside a repository.
            var columnList = parseResult.GetValue(columns) is { } text ? ColumnList.Parse(text) : null;
            using var store = context.OpenStore();
            // The table shows the newest DefaultRows unless told otherwise, as 'git log' pages: a count of the rest follows.
            var paged = !parseResult.GetValue(json) && !parseResult.GetValue(noLimit) && parseResult.GetValue(limit) is null;
            if (parseResult.GetValue(json) && parseResult.GetValue(filter) is null && parseResult.GetValue(sort) is null)
            {
                // Every run, streamed: one summary at a time from the index to the output.
                JsonOutput.Array(context.Out, RunListing.Stream(store, parseResult.GetValue(all), parseResult.GetValue(limit)), RunJson.WriteSummary);
                RunSelection.WarnSkipped(store, context.Error);
                return (int)ExitCode.Ok;
            }
            // Core's listing (RunListing), the one the web UI's GET /api/runs uses: a page and the count of the rest.
            var page = RunListing.Page(store, new RunListQuery
            {
                Filter = parseResult.GetValue(filter),
                Sort = parseResult.GetValue(sort),
                Limit = paged ? DefaultRows : parseResult.GetValue(limit),
                IncludeRemoved = parseResult.GetValue(all),
            });
            RunSelection.WarnSkipped(store, context.Error);
            var runs = page.Runs;
            var more = paged ? page.Rest : 0;
            if (parseResult.GetValue(json))
            {
                JsonOutput.To(context.Out, writer =>
                {
                    writer.WriteStartArray();
                    foreach (var run in runs)
                        RunJson.WriteSummary(writer, run);
                    writer.WriteEndArray();
                });
                return (int)ExitCode.Ok;
            }
            if (runs.Count == 0)
            {
                var filtered = parseResult.GetValue(filter) is not null || parseResult.GetValue(limit) is not null;
                context.Error.WriteLine(filtered ? "no runs match" : "no runs yet (record one with 'gittrack run -- <command>')");
                return (int)ExitCode.Ok;
            }
            // An explicit sort is an order the user asked for: nesting would break it, so sorted lists stay flat.
            var rows = parseResult.GetValue(flat) || parseResult.GetValue(sort) is not null
                ? runs.Select(r => (Run: r, Depth: 0)).ToList()
                : RunTree.Nest(runs);
            var table = columnList is null ? Render(rows, metric: null) : Render(rows, ColumnList.Expand(columnList, runs, RunSummaryFields.Instance));
            table.Write(context.Out, context.UseColor);
            if (more > 0)
                context.Error.WriteLine($"gittrack: {more.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} more run{(more == 1 ? "" : "s")} not shown (--limit N shows N, --no-limit all)");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>As <see cref="Render(IReadOnlyList{ValueTuple{RunSummary, int}}, string?)"/>, unnested.</summary>
    internal static TextTable Render(IReadOnlyList<RunSummary> runs, string? metric = null) => Render(runs.Select(r => (r, 0)).ToList(), metric);

    /// <summary>
    /// The table: fixed columns, then each param and metric whose value is not the same in every run, and
    /// <paramref name="metric"/> whether it varies or not (the metric <c>best</c> ranked by).
    /// </summary>
    internal static TextTable Render(IReadOnlyList<(RunSummary Run, int Depth)> rows, string? metric = null)
    {
        var runs = rows.Select(r => r.Run).ToList();
        // The params and metrics that vary (Core's rule, FieldDifference); system metrics (CPU, memory, GPUs) differ in
        // every run and say little in a listing: --columns names them.
        var columns = RunColumns.Of(runs);
        var paramKeys = columns.VaryingParams;
        var metricKeys = columns.VaryingMetrics.ToList();
        if (metric is not null && !metricKeys.Contains(metric))
            metricKeys.Insert(0, metric);
        var headers = new List<string> { "ID", "NAME", "STATUS", "STARTED", "DURATION" };
        headers.AddRange(paramKeys);
        headers.AddRange(metricKeys);
        var table = new TextTable(headers).AlignRight(4);
        for (var i = 5; i < headers.Count; i++)
            table.AlignRight(i);
        foreach (var (run, depth) in rows)
        {
            var row = new List<string>
            {
                run.Id[..RunId.ShortLength], Indent(depth) + run.Name, Status(run), Formats.Time(run.StartedAt), Formats.Duration(run.Duration),
            };
            row.AddRange(paramKeys.Select(k => run.Params.TryGetValue(k, out var v) ? Formats.Param(v) : "-"));
            row.AddRange(metricKeys.Select(k => run.Metrics.TryGetValue(k, out var v) ? Formats.Number(v) : "-"));
            table.Add(row);
        }
        return table;
    }

    /// <summary>The table of the fields <c>--columns</c> named, headed by their names as the query language writes them.</summary>
    internal static TextTable Render(IReadOnlyList<(RunSummary Run, int Depth)> rows, IReadOnlyList<FieldPath> columns)
    {
        var fields = RunSummaryFields.Instance;
        var readers = columns.Select(fields.Bind).ToArray();
        var table = new TextTable(columns.Select(c => c.ToString()).ToList());
        foreach (var (run, depth) in rows)
        {
            var cells = new string[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var text = columns[i].Root switch
                {
                    FieldRoot.Id => run.Id[..RunId.ShortLength],
                    FieldRoot.Status => Status(run),
                    // A param as recorded (1.0 stays 1.0), not as the query language's number.
                    FieldRoot.Params => run.Params.TryGetValue(columns[i].Key, out var param) ? Formats.Param(param) : "-",
                    _ => Cell(readers[i](run)),
                };
                cells[i] = columns[i].Root == FieldRoot.Name ? Indent(depth) + text : text;
            }
            table.Add(cells);
        }
        for (var i = 0; i < columns.Count; i++)
            if (columns[i].Root is FieldRoot.Params or FieldRoot.Metrics or FieldRoot.Duration or FieldRoot.ExitCode)
                table.AlignRight(i);
        return table;
    }

    /// <summary>A field value as a table cell: numbers with 6 significant digits, times local, "-" for missing.</summary>
    internal static string Cell(QueryValue? value) => value switch
    {
        null => "-",
        { Kind: QueryValueKind.Number } v => Formats.Number(v.Number),
        { Kind: QueryValueKind.Date } v => Formats.Time(v.Date),
        { Kind: QueryValueKind.Duration } v => Formats.Duration(v.Duration),
        { } v => v.ToString(),
    };

    private static string Status(RunSummary run) => Formats.Status(run.Status) + (run.IsDeleted ? " (removed)" : "")
        + (run.OnlyOn is { } remote ? $" (on {remote})" : "");

    private static string Indent(int depth) => depth == 0 ? "" : new string(' ', 2 * (depth - 1)) + "└ ";
}
