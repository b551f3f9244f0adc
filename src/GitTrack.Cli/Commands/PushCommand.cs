using System.CommandLine;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack push [REMOTE]</c>: sends the local runs branch to a remote without force, pulling and merging first
/// when the remote has runs the local branch lacks, and trying again when another push won the race.
/// </summary>
public static class PushCommand
{
    public static Command Create(CommandContext context)
    {
        var remote = new Argument<string?>("remote") { Description = "A git remote (default: the current branch's upstream remote, else origin)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("push", "Send your runs to a remote (merging theirs first when needed)") { remote };
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var name = parseResult.GetValue(remote) ?? RunSync.DefaultRemote(store);
            context.Out.WriteLine(Describe(RunSync.Push(store, name, interactive: context.Interactive)));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    internal static string Describe(RunSync.PushResult result)
    {
        var pulled = result.RunsPulled > 0 ? $"; pulled {PullCommand.Runs(result.RunsPulled)} first" : "";
        var attempts = result.Attempts > 1 ? $" after {result.Attempts} attempts" : "";
        return result.Pushed ? $"pushed runs to {result.Remote}{attempts}{pulled}" : $"{result.Remote} already has every run{pulled}";
    }
}
