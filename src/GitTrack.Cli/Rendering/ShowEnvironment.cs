using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// The part of <c>gittrack show</c> about what a run ran on and read: its packages summarised (count per manager,
/// where they were read from, lock files, and what differs from the previous run in the same environment) and its inputs.
/// </summary>
internal static class ShowEnvironment
{
    /// <summary>At most this many package changes are listed; the rest are counted.</summary>
    private const int MaxChangesShown = 20;

    public static void Write(TextWriter output, RunStore store, RunRecord run, bool color)
    {
        void Heading(string name) => output.WriteLine(color ? $"\n\u001b[1m{name}\u001b[0m" : $"\n{name}");
        if (run.Packages is { } packages)
        {
            Heading("packages");
            PackageSet? set = null;
            string? problem = null;
            try
            {
                set = packages.Key is { } key ? store.ReadEnvironment(key) : null;
            }
            catch (GitTrackException e)
            {
                problem = e.Message;
            }
            var byManager = set is null ? "" : " (" + string.Join(", ", set.Packages.GroupBy(p => p.Manager).Select(g => $"{g.Key} {g.Count()}")) + ")";
            output.WriteLine(TerminalText.Escape($"  {packages.Count} packages{byManager}" + (packages.Key is { } k ? $", environment {k[..12]}" : "")));
            foreach (var source in packages.Sources)
                output.WriteLine(TerminalText.Escape($"  from {source}"));
            if (packages.LockFiles.Count > 0)
                output.WriteLine(TerminalText.Escape($"  lock files: {string.Join(", ", packages.LockFiles)} (in the code snapshot)"));
            if (problem is not null)
                output.WriteLine(TerminalText.Escape($"  (not readable: {problem})"));
            else if (packages.Key is not null && set is null)
                output.WriteLine("  (the environment file is not on the runs branch: pull it, or the run was recorded elsewhere)");
            if (PreviousEnvironment.Find(store, run) is { } previous)
            {
                if (previous.Packages?.Key == packages.Key)
                    output.WriteLine(TerminalText.Escape($"  same packages as the previous run here, {previous.Name} ({previous.Id[..RunId.ShortLength]})"));
                else
                {
                    PackageSet? before = null;
                    try { before = previous.Packages?.Key is { } pk ? store.ReadEnvironment(pk) : null; } catch (GitTrackException) { }
                    var changes = EnvironmentDiffer.Packages(before, set).Where(c => c.Kind != ChangeKind.Same).ToList();
                    output.WriteLine(TerminalText.Escape($"  {changes.Count} changed since the previous run here, {previous.Name} ({previous.Id[..RunId.ShortLength]}):"));
                    foreach (var change in changes.Take(MaxChangesShown))
                        output.WriteLine(TerminalText.Escape("    " + change.Kind switch
                        {
                            ChangeKind.Added => $"+ {change.Manager} {change.Name} {change.New!}",
                            ChangeKind.Removed => $"- {change.Manager} {change.Name} {change.Old!}",
                            _ => $"~ {change.Manager} {change.Name} {change.Old!} -> {change.New!}",
                        }));
                    if (changes.Count > MaxChangesShown)
                        output.WriteLine(TerminalText.Escape($"    ... and {changes.Count - MaxChangesShown} more ('gittrack diff {previous.Id[..RunId.ShortLength]} {run.Id[..RunId.ShortLength]}')"));
                }
            }
        }
        if (run.Inputs.Count > 0)
        {
            Heading("inputs");
            foreach (var input in run.Inputs)
                output.WriteLine(TerminalText.Escape($"  {input.Path}  {Formats.Bytes(input.Size)}  {input.Key}"
                    + (input.IsFolder ? $"  (folder, {input.Files} files)" : "") + (input.Stored ? "  (stored)" : "")));
        }
    }
}
