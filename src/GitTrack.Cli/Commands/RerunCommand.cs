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
        var worktree = new Option<string?>("--worktree", "-w") { Description = "Where to check the code out, kept afterwards (default: a fresh <git common dir>/gittrack/worktrees/<id>-rerun-N, removed when the rerun completes)" };
        var strict = new Option<bool>("--strict") { Description = "Refuse to rerun when a package or an input differs from what the run recorded" };
        var keep = new Option<bool>("--keep") { Description = "Keep the default worktree after a completed rerun (a rerun that fails keeps it anyway)" };
        var command = new Command("rerun", "Run a run again from its exact code, params and environment, record it, and show the diff");
        command.Arguments.Add(runArgument);
        command.Options.Add(worktree);
        command.Options.Add(keep);
        command.Options.Add(strict);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            RunRecord original;
            using (var store = context.OpenStore())
                original = store.Resolve(parseResult.GetValue(runArgument)!);
            var given = parseResult.GetValue(worktree) is { } dir ? context.FullPath(dir) : null;
            var target = given ?? Rerun.DefaultWorktree(directories, original);
            var options = Rerun.Prepare(directories, original, ArtifactCache.Open(directories), target) with
            {
                StandardOutput = context.OpenStandardOutput?.Invoke(),
                StandardError = context.OpenStandardError?.Invoke(),
                Warn = message => context.Error.WriteLine(ErrorReporter.Warning(message)),
                PythonPathAddition = PythonClient.Folder(),
                SystemInterval = RunCommand.SystemInterval(),
            };
            if (Rerun.MaskedInputs(original) is { Count: > 0 } masked)
                options.Warn!(string.Join(", ", masked) + " were recorded masked as secrets; the rerun gets '***' for them (the original's values were never stored)");
            if (!RerunChecks.Report(context, directories, original, options, target, parseResult.GetValue(strict)))
            {
                if (given is null)
                    Rerun.RemoveWorktree(directories, target);
                return (int)ExitCode.Failed;
            }
            // The rerun reads the same inputs (put in its checkout by the checks above): record them again, so diff compares them.
            options = options with
            {
                Inputs = [.. original.Inputs.Select(i => i.IsAbsolute ? i.Path : Path.Combine(target, i.Path)).Where(Path.Exists)],
            };
            context.Error.WriteLine(TerminalText.Escape($"gittrack: rerunning {original.Name} ({original.Id[..8]}) in {options.WorkingDirectory}"));
            var version = typeof(RerunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0];
            var outcome = RunRecorder.RecordAsync(options, version).GetAwaiter().GetResult();
            var rerun = outcome.Run;
            context.Error.WriteLine(TerminalText.Escape($"gittrack: {rerun.Name} ({rerun.Id[..8]}) {rerun.Status.ToString().ToLowerInvariant()}, reproduces {original.Name}"));
            RunDiff diff;
            using (var store = context.OpenStore())
                diff = RunDiffer.WithPackages(RunDiffer.Compare(directories, original, rerun), store);
            DiffText.Write(context.Out, diff, directories, all: false, fullCode: false, context.UseColor);
            // Its code is in the run's snapshot and its artifacts in the cache: a completed rerun's default worktree
            // has nothing left to keep. One the user named, or one where something went wrong, stays for a look.
            if (given is null && !parseResult.GetValue(keep) && rerun.Status == RunStatus.Completed)
            {
                if (Rerun.RemoveWorktree(directories, target) is { } problem)
                    context.Error.WriteLine(TerminalText.Escape($"gittrack: warning: could not remove the rerun's worktree {target}: {problem} (remove it with 'git worktree remove --force {target}')"));
            }
            else
            {
                context.Error.WriteLine(TerminalText.Escape($"gittrack: the rerun's worktree stays at {target} (remove it with 'git worktree remove --force {target}')"));
            }
            return outcome.ExitCode;
        });
        return command;
    }
}
