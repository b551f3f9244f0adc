using System.CommandLine;
using GitTrack.Core.Cache;
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
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            using var store = context.OpenStore(directories);
            var name = parseResult.GetValue(remote) ?? RunSync.DefaultRemote(store);
            // With an artifacts remote, the objects of the runs recorded here go up before the branch that names them,
            // so a colleague who pulls the runs can always fetch their artifacts (docs/artifacts.md).
            SyncResult? artifacts = null;
            Action<RunStore>? beforeUpdate = ArtifactSync.IsConfigured(directories)
                ? current => artifacts = ArtifactSync.PushAsync(directories,
                    [.. current.List(includeRemoved: true).Where(r => r.OnlyOn is null).Select(r => current.Get(r.Id))]).GetAwaiter().GetResult()
                : null;
            var result = RunSync.Push(store, name, beforeUpdate, interactive: context.Interactive);
            if (artifacts is { Transferred: > 0 } sent)
                context.Out.WriteLine($"pushed {sent.Transferred} artifact object(s) ({ProgressBar.Bytes(sent.TransferredBytes)}) to {sent.Remote}");
            context.Out.WriteLine(Describe(result));
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
