using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack untag RUN K...</c>: removes tags from a run, one commit on the runs branch.</summary>
public static class UntagCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var keys = new Argument<string[]>("keys") { Description = "Tag keys to remove", Arity = ArgumentArity.OneOrMore };
        var command = new Command("untag", "Remove tags from a run");
        command.Arguments.Add(runArgument);
        command.Arguments.Add(keys);
        command.SetAction(parseResult =>
        {
            var names = parseResult.GetValue(keys)!;
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var missing = names.Where(k => !run.Tags.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                throw new NotFoundException($"run {run.Name} has no tag {string.Join(", ", missing.Select(k => $"'{k}'"))}",
                    run.Tags.Count == 0 ? "it has no tags" : $"its tags: {string.Join(", ", run.Tags.Keys)}");
            var changed = store.Change(run.Id, r => RunEdits.RemoveTags(r, names), "untagged " + string.Join(", ", names));
            context.Out.WriteLine(TerminalText.Escape($"{changed.Name} ({changed.Id[..RunId.ShortLength]}): {(changed.Tags.Count == 0 ? "no tags" : string.Join(", ", changed.Tags.Select(p => $"{p.Key}={p.Value}")))}"));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
