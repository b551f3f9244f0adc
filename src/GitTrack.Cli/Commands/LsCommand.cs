using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack ls</c>: every run, newest first, with the params and metrics that differ between runs.</summary>
public static class LsCommand
{
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the runs as a JSON array" };
        var command = new Command("ls", "List recorded runs, newest first");
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var runs = store.List();
            if (parseResult.GetValue(json))
            {
                RunJson.To(context.Out, writer =>
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
                context.Error.WriteLine("no runs yet (record one with 'gittrack run -- <command>')");
                return (int)ExitCode.Ok;
            }
            Render(runs).Write(context.Out, context.UseColor);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>The table: fixed columns, then each param and metric whose value is not the same in every run.</summary>
    internal static TextTable Render(IReadOnlyList<RunSummary> runs)
    {
        var paramKeys = Varying(runs, r => r.Params);
        var metricKeys = Varying(runs, r => r.Metrics);
        var headers = new List<string> { "ID", "NAME", "STATUS", "STARTED", "DURATION" };
        headers.AddRange(paramKeys);
        headers.AddRange(metricKeys);
        var table = new TextTable(headers).AlignRight(4);
        for (var i = 5; i < headers.Count; i++)
            table.AlignRight(i);
        foreach (var run in runs)
        {
            var row = new List<string>
            {
                run.Id[..RunId.ShortLength], run.Name, Formats.Status(run.Status), Formats.Time(run.StartedAt), Formats.Duration(run.Duration),
            };
            row.AddRange(paramKeys.Select(k => run.Params.TryGetValue(k, out var v) ? Formats.Param(v) : "-"));
            row.AddRange(metricKeys.Select(k => run.Metrics.TryGetValue(k, out var v) ? Formats.Number(v) : "-"));
            table.Add(row);
        }
        return table;
    }

    private static List<string> Varying<T>(IReadOnlyList<RunSummary> runs, Func<RunSummary, IReadOnlyDictionary<string, T>> values)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
            keys.UnionWith(values(run).Keys);
        return keys.Where(key =>
        {
            // A key varies when two runs differ in it, or one lacks it. Equals treats NaN as equal to NaN,
            // and a boxed 1L differs from a boxed 1.0, as the table shows them.
            var firstHas = values(runs[0]).TryGetValue(key, out var first);
            for (var i = 1; i < runs.Count; i++)
            {
                var has = values(runs[i]).TryGetValue(key, out var value);
                if (has != firstHas || (has && !EqualityComparer<T>.Default.Equals(value, first)))
                    return true;
            }
            return false;
        }).ToList();
    }
}
