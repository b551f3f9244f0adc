using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Checkout;
using GitTrack.Core.Diff;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>What <c>gittrack rerun</c> says before it starts: packages and inputs that differ from what the run recorded.</summary>
internal static class RerunChecks
{
    private const int MaxShown = 20;

    /// <summary>Prints the differences; false when <paramref name="strict"/> and something differs (the rerun is refused).</summary>
    public static bool Report(CommandContext context, GitDirectories directories, RunRecord original, RunOptions options, string root, bool strict)
    {
        var differs = false;
        IReadOnlyList<PackageChange>? packages;
        using (var store = context.OpenStore())
            packages = RerunCheck.Packages(store, original, options, root);
        if (packages is { Count: > 0 })
        {
            differs = true;
            context.Error.WriteLine(TerminalText.Escape($"gittrack: {packages.Count} package{(packages.Count == 1 ? "" : "s")} differ from what {original.Name} ran with:"));
            foreach (var change in packages.Take(MaxShown))
                context.Error.WriteLine(TerminalText.Escape("  " + change.Kind switch
                {
                    ChangeKind.Added => $"+ {change.Manager} {change.Name} {change.New} (not in the run's environment)",
                    ChangeKind.Removed => $"- {change.Manager} {change.Name} {change.Old} (missing now)",
                    _ => $"~ {change.Manager} {change.Name} {change.Old} -> {change.New}",
                }));
            if (packages.Count > MaxShown)
                context.Error.WriteLine($"  ... and {packages.Count - MaxShown} more ('gittrack env {original.Id[..RunId.ShortLength]} --format requirements' writes what it had)");
        }
        foreach (var check in RerunCheck.Inputs(directories, original, ArtifactCache.Open(directories), root))
        {
            var note = check.Note is null ? "" : $" ({check.Note})";
            switch (check.State)
            {
                case InputState.Changed:
                    differs = true;
                    context.Error.WriteLine(TerminalText.Escape($"gittrack: input {check.Recorded.Path} changed since {original.Name}: {check.Recorded.Key.ToString()[..12]} -> {check.Current!.Value.ToString()[..12]}{note}"));
                    break;
                case InputState.Missing:
                    differs = true;
                    context.Error.WriteLine(TerminalText.Escape($"gittrack: input {check.Recorded.Path} is missing{note} (record inputs with --store to keep a copy)"));
                    break;
                case InputState.Restored:
                    context.Error.WriteLine(TerminalText.Escape($"gittrack: input {check.Recorded.Path} {check.Note}"));
                    break;
                default:
                    if (check.Note is not null)
                        context.Error.WriteLine(TerminalText.Escape($"gittrack: input {check.Recorded.Path} unchanged{note}"));
                    break;
            }
        }
        if (differs && strict)
        {
            context.Error.WriteLine(TerminalText.Escape($"gittrack: not rerunning {original.Name}: its environment or inputs differ (--strict)"));
            return false;
        }
        return true;
    }
}
