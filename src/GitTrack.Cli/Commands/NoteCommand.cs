using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack note RUN TEXT</c>: sets (or with "" clears) a run's note, one commit on the runs branch.</summary>
public static class NoteCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var text = new Argument<string>("text") { Description = "The note; \"\" removes it" };
        var command = new Command("note", "Set a run's note");
        command.Arguments.Add(runArgument);
        command.Arguments.Add(text);
        command.SetAction(parseResult =>
        {
            var note = parseResult.GetValue(text)!;
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var changed = store.Change(run.Id, r => r with { Note = RunEdits.Note(note) }, note.Length == 0 ? "note removed" : "note set");
            context.Out.WriteLine(TerminalText.Escape($"{changed.Name} ({changed.Id[..RunId.ShortLength]}): {changed.Note ?? "no note"}"));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
