using System.CommandLine;
using System.Reflection;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Checkout;
using GitTrack.Core.Diff;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack rerun RUN</c>: runs a run again from its exact code in a fresh worktree, records it, and diffs the two.</summary>
public static class RerunCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var worktree = new Option<string?>("--worktree", "-w") { Description = "Where to check the code out (default: <git common dir>/gittrack/worktrees/<id>-rerun-N)" };
        var command = new Command("rerun", "Run a run again from its exact code, params and environment, record it, and show the diff");
        command.Arguments.Add(runArgument);
        command.Options.Add(worktree);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            RunRecord original;
            using (var store = RunStore.Open(directories))
                original = store.Resolve(parseResult.GetValue(runArgument)!);
            var target = parseResult.GetValue(worktree) is { } dir ? context.FullPath(dir) : null;
            var options = Rerun.Prepare(directories, original, ArtifactCache.Open(directories), target) with
            {
                StandardOutput = context.OpenStandardOutput?.Invoke(),
                StandardError = context.OpenStandardError?.Invoke(),
                Warn = message => context.Error.WriteLine($"gittrack: warning: {message}"),
            };
            context.Error.WriteLine($"gittrack: rerunning {original.Name} ({original.Id[..8]}) in {options.WorkingDirectory}");
            var version = typeof(RerunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0];
            var outcome = RunRecorder.RecordAsync(options, version).GetAwaiter().GetResult();
            var rerun = outcome.Run;
            context.Error.WriteLine($"gittrack: {rerun.Name} ({rerun.Id[..8]}) {rerun.Status.ToString().ToLowerInvariant()}, reproduces {original.Name}");
            DiffText.Write(context.Out, RunDiffer.Compare(directories, original, rerun), directories, all: false, fullCode: false, context.UseColor);
            return outcome.ExitCode;
        });
        return command;
    }
}
