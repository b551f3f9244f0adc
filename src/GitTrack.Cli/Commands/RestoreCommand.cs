using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack restore RUN</c>: lists a run hidden by <c>gittrack rm</c> again, one commit on the runs branch.</summary>
public static class RestoreCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A removed run's id, unique id prefix or name (see 'gittrack ls --all')" };
        var command = new Command("restore", "Bring back a run hidden by 'gittrack rm'");
        command.Arguments.Add(runArgument);
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!, includeRemoved: true);
            if (store.RemovedAt(run.Id) is null)
            {
                context.Error.WriteLine(TerminalText.Escape($"{run.Name} ({run.Id[..RunId.ShortLength]}) is not removed; nothing to do"));
                return (int)ExitCode.Ok;
            }
            store.Restore(run.Id);
            context.Out.WriteLine(TerminalText.Escape($"restored {run.Name} ({run.Id[..RunId.ShortLength]})"));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
