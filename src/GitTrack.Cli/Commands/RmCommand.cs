using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack rm RUN...</c>: hides runs from listings (a tombstone in each run's folder, one commit per run); their
/// data stays on the runs branch and <c>gittrack restore</c> brings them back. All names are resolved before
/// anything changes, so a typo removes nothing.
/// </summary>
public static class RmCommand
{
    public static Command Create(CommandContext context)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run ids, unique id prefixes (4+ digits) or unique names", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Hide runs from listings (restorable with 'gittrack restore')");
        command.Arguments.Add(runs);
        command.SetAction(parseResult =>
        {
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var resolved = parseResult.GetValue(runs)!.Select(text => store.Resolve(text)).DistinctBy(r => r.Id).ToList();
            foreach (var run in resolved)
            {
                store.Remove(run.Id);
                context.Out.WriteLine(TerminalText.Escape($"removed {run.Name} ({run.Id}); 'gittrack restore {run.Id}' brings it back"));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
