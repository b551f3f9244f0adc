using System.CommandLine;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack pull [REMOTE]</c>: fetches a remote's runs branch into its remote-tracking ref and merges it into the
/// local runs branch. Never checks anything out and never conflicts (docs/format.md, "Merging").
/// </summary>
public static class PullCommand
{
    public static Command Create(CommandContext context)
    {
        var remote = new Argument<string?>("remote") { Description = "A git remote (default: the current branch's upstream remote, else origin)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("pull", "Fetch a remote's runs and merge them into yours") { remote };
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var name = parseResult.GetValue(remote) ?? RunSync.DefaultRemote(store);
            var result = RunSync.Pull(store, name, context.Interactive);
            context.Out.WriteLine(Describe(result));
            foreach (var clash in result.Merge.Clashes)
                context.Error.WriteLine($"gittrack: warning: {clash} differed on the two sides; one copy was kept");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    internal static string Describe(RunSync.PullResult result) => result switch
    {
        { RemoteHasRuns: false } => $"{result.Remote} has no runs yet",
        { Merge.Kind: "up to date" } => $"up to date with {result.Remote}",
        _ => $"pulled from {result.Remote}: {Runs(result.Merge.NewRuns)} new" +
             (result.Merge.MergedRuns > 0 ? $", {Runs(result.Merge.MergedRuns)} merged with local changes" : "") +
             (result.Merge.Kind == "merged" ? " (merge commit)" : ""),
    };

    internal static string Runs(int count) => count == 1 ? "1 run" : $"{count} runs";
}
