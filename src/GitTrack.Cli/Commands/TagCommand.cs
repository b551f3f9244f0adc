using System.CommandLine;
using GitTrack.Core.Errors;
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
            var pairs = parseResult.GetValue(tags)!.Select(Parse).ToList();
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var changed = store.Change(run.Id, r =>
            {
                var next = new SortedDictionary<string, string>(r.Tags.ToDictionary(), StringComparer.Ordinal);
                foreach (var (key, value) in pairs)
                    next[key] = value;
                return r with { Tags = next };
            }, "tagged " + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")));
            context.Out.WriteLine($"{changed.Name} ({changed.Id[..RunId.ShortLength]}): {string.Join(", ", changed.Tags.Select(p => $"{p.Key}={p.Value}"))}");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static KeyValuePair<string, string> Parse(string text)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
            throw new InvalidInputException($"'{text}' is not KEY=VALUE", "write tags as key=value, e.g. gittrack tag run_003 team=vision");
        var key = text[..at].Trim();
        if (key.Length == 0 || key.Any(char.IsControl))
            throw new InvalidInputException($"'{text}' has an unusable key", "use a key without control characters");
        return new(key, text[(at + 1)..]);
    }
}
