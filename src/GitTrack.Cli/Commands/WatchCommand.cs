using System.CommandLine;
using System.Globalization;
using GitTrack.Cli.Watch;
using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs.Live;
using GitTrack.Core.Storage;
using Spectre.Console;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack watch [RUN...] [--filter EXPR] [--refresh SECONDS]</c>: a live dashboard of the running runs (or the
/// ones named or matched) in the terminal, refreshed in place; without an interactive terminal, one plain snapshot.
/// </summary>
public static class WatchCommand
{
    public static Command Create(CommandContext context)
    {
        var runs = new Argument<string[]>("runs") { Description = "Runs to watch: ids, unique id prefixes (4+ digits) or names (default: the running ones)", Arity = ArgumentArity.ZeroOrMore };
        var filter = RunSelection.FilterOption();
        var refresh = new Option<double?>("--refresh") { Description = "Seconds between reads of the runs (default 1)" };
        var command = new Command("watch", "Watch runs live in the terminal: curves, latest values, log, CPU, memory and GPUs");
        command.Arguments.Add(runs);
        command.Options.Add(filter);
        command.Options.Add(refresh);
        command.SetAction(parseResult =>
        {
            var names = parseResult.GetValue(runs) ?? [];
            var filterText = parseResult.GetValue(filter);
            if (names.Length > 0 && filterText is not null)
                throw new InvalidInputException("give runs or --filter, not both", "e.g. 'gittrack watch run_003' or 'gittrack watch --filter \"tags.sweep = a\"'");
            var seconds = parseResult.GetValue(refresh) ?? 1.0;
            if (!double.IsFinite(seconds) || seconds < 0.1 || seconds > 3600)
                throw new InvalidInputException($"--refresh {seconds.ToString(CultureInfo.InvariantCulture)} is out of range", "give a number of seconds from 0.1 to 3600");
            if (filterText is not null)
                _ = QueryParser.Parse(filterText); // a bad filter is reported now, not on the first refresh

            using var source = new StoreRunSource(GitDirectories.Discover(context.WorkingDirectory));
            var pinned = names.Select(n => source.Get(n).Id).Distinct(StringComparer.Ordinal).ToList();
            var model = new WatchModel(source, pinned, filterText);
            model.Refresh();
            var interval = TimeSpan.FromSeconds(seconds);
            using var machine = new MachineMonitor(interval);
            if (!Interactive(context))
            {
                var frame = DashboardFrame.Build(model, new WatchState(), machine.Values, 100, 40, DateTimeOffset.Now);
                PlainSnapshot.Write(context.Out, frame);
                return (int)ExitCode.Ok;
            }
            new DashboardScreen(model, interval, AnsiConsole.Console).Run(machine);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>Full screen needs a terminal on both sides (keys in, screen out) that can move the cursor.</summary>
    private static bool Interactive(CommandContext context) =>
        context.OutIsTerminal && !Console.IsInputRedirected
        && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb";
}
