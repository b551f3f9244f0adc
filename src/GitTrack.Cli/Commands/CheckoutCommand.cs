using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Checkout;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack checkout RUN</c>: puts a run's exact code and artifacts back, refusing to overwrite the user's work.</summary>
public static class CheckoutCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var worktree = new Option<string?>("--worktree", "-w") { Description = "Restore into a new git worktree at DIR, detached at the run's commit, leaving this one alone" };
        var artifactsOnly = new Option<bool>("--artifacts-only") { Description = "Restore only the artifacts into the current work tree" };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite uncommitted changes and files in the way" };
        var command = new Command("checkout", "Restore a run's code (uncommitted changes included) and artifacts, byte for byte");
        command.Arguments.Add(runArgument);
        command.Options.Add(worktree);
        command.Options.Add(artifactsOnly);
        command.Options.Add(force);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            Core.Runs.RunRecord run;
            using (var store = context.OpenStore())
                run = store.Resolve(parseResult.GetValue(runArgument)!);
            var target = parseResult.GetValue(worktree) is { } dir ? context.FullPath(dir) : null;
            var total = run.Artifacts.Sum(a => a.Size);
            using var bar = new ProgressBar(context, "restoring", total);
            var result = RunCheckout.Apply(directories, run, ArtifactCache.Open(directories), new CheckoutOptions
            {
                Worktree = target,
                ArtifactsOnly = parseResult.GetValue(artifactsOnly),
                Force = parseResult.GetValue(force),
            }, bar);
            bar.Dispose();
            var what = result.CodeRestored ? $"code {run.Source.Tree[..12]} and " : "";
            context.Error.WriteLine(TerminalText.Escape($"gittrack: restored {run.Name} ({run.Id[..8]}): {what}{result.Artifacts.Count} artifact(s), {Formats.Bytes(result.ArtifactBytes)}, in {result.Root}"));
            if (result.PreviousHead is { } previous)
            {
                var back = previous.Length is 40 or 64 && previous.All(char.IsAsciiHexDigitLower) ? $"git switch --detach {previous}" : $"git switch {previous}";
                context.Error.WriteLine(TerminalText.Escape($"gittrack: HEAD is now detached at {run.Source.Commit[..12]}, the run's commit; '{back}' goes back"));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
