using System.CommandLine;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack sync [REMOTE]</c>: <c>pull</c> then <c>push</c>, so both sides end with every run.</summary>
public static class SyncCommand
{
    public static Command Create(CommandContext context)
    {
        var remote = new Argument<string?>("remote") { Description = "A git remote (default: the current branch's upstream remote, else origin)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("sync", "Pull a remote's runs, then push yours") { remote };
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var name = parseResult.GetValue(remote) ?? RunSync.DefaultRemote(store);
            context.Out.WriteLine(PullCommand.Describe(RunSync.Pull(store, name, context.Interactive)));
            context.Out.WriteLine(PushCommand.Describe(RunSync.Push(store, name, interactive: context.Interactive)));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
