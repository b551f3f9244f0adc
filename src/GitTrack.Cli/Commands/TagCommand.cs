using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack tag RUN K=V...</c>: sets tags on a run, one commit on the runs branch.</summary>
public static class TagCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var tags = new Argument<string[]>("tags") { Description = "KEY=VALUE pairs to set (an existing key is overwritten)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tag", "Set tags on a run");
        command.Arguments.Add(runArgument);
        command.Arguments.Add(tags);
        command.SetAction(parseResult =>
        {
            // Checked (RunEdits, as the web UI's edit is) and masked before anything is opened or written.
            var pairs = RunEdits.Tags(parseResult.GetValue(tags)!.Select(RunEdits.ParseTag));
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var changed = store.Change(run.Id, r => RunEdits.SetTags(r, pairs), "tagged " + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")));
            context.Out.WriteLine(TerminalText.Escape($"{changed.Name} ({changed.Id[..RunId.ShortLength]}): {string.Join(", ", changed.Tags.Select(p => $"{p.Key}={p.Value}"))}"));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
