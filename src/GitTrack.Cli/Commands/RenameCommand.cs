using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack rename RUN NAME</c>: gives a run a new, unused name, one commit on the runs branch.</summary>
public static class RenameCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var name = new Argument<string>("name") { Description = "The new name (no other run may have it)" };
        var command = new Command("rename", "Rename a run");
        command.Arguments.Add(runArgument);
        command.Arguments.Add(name);
        command.SetAction(parseResult =>
        {
            var newName = parseResult.GetValue(name)!;
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var changed = store.Change(run.Id, r => r with { Name = newName }, $"renamed from {run.Name}");
            context.Out.WriteLine(TerminalText.Escape($"{run.Name} ({changed.Id[..RunId.ShortLength]}) is now {changed.Name}"));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
