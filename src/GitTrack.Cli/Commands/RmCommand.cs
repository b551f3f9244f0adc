using System.CommandLine;
using GitTrack.Core.Cache;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack rm RUN...</c>: hides runs from listings (a tombstone in each run's folder, one commit per run); their
/// data stays on the runs branch and <c>gittrack restore</c> brings them back. All names are resolved before
/// anything changes, so a typo removes nothing. With <c>--purge</c> the runs' cache objects that no other run references
/// are deleted too (the runs stay restorable, their objects then only from the artifacts remote).
/// </summary>
public static class RmCommand
{
    public static Command Create(CommandContext context)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run ids, unique id prefixes (4+ digits) or unique names", Arity = ArgumentArity.OneOrMore };
        var purge = new Option<bool>("--purge") { Description = "Also delete the runs' cache objects that no other run references, and say what was freed" };
        var command = new Command("rm", "Hide runs from listings (restorable with 'gittrack restore')");
        command.Arguments.Add(runs);
        command.Options.Add(purge);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            using var store = context.OpenStore(directories);
            var resolved = parseResult.GetValue(runs)!.Select(text => store.Resolve(text)).DistinctBy(r => r.Id).ToList();
            foreach (var run in resolved)
            {
                store.Remove(run.Id);
                context.Out.WriteLine(TerminalText.Escape($"removed {run.Name} ({run.Id}); 'gittrack restore {run.Id}' brings it back"));
            }
            if (parseResult.GetValue(purge))
            {
                var result = CacheCollector.Purge(directories, resolved, dryRun: false);
                foreach (var freed in result.Freed.OrderBy(f => f.Key.ToString(), StringComparer.Ordinal))
                    context.Out.WriteLine($"freed {freed.Key}  {ProgressBar.Bytes(freed.Size)}");
                context.Out.WriteLine($"freed {(result.Freed.Count == 1 ? "1 object" : $"{result.Freed.Count} objects")} ({ProgressBar.Bytes(result.FreedBytes)}) from the local cache" +
                    (result.Referenced > 0 ? $"; kept {result.Referenced} that other runs reference" : "") +
                    (result.KeptForActiveRuns > 0 ? $", {result.KeptForActiveRuns} written since a run still recording began" : ""));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
