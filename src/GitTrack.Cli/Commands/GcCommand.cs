using System.CommandLine;
using System.Globalization;
using GitTrack.Core.Cache;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack gc [--dry-run] [--grace DURATION] [--remote]</c>: deletes cache objects no run references (on the local
/// runs branch and its remote-tracking copies), keeping those younger than the grace period and those a run still
/// recording may reference; with <c>--remote</c>, the same on the artifacts remote for what the git remote's runs
/// do not reference. Prints what it freed.
/// </summary>
public static class GcCommand
{
    public static Command Create(CommandContext context)
    {
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only list what would be deleted" };
        var grace = new Option<string>("--grace")
        {
            Description = "Keep objects written or added within this long (30m, 12h, 1d, 2w; 0 for none)",
            DefaultValueFactory = _ => "1d",
        };
        var remote = new Option<bool>("--remote") { Description = "Collect on the artifacts remote instead, for objects no run on the git remote references" };
        var command = new Command("gc", "Delete cache objects no run references (keeps recent ones; --remote: on the artifacts remote)");
        command.Options.Add(dryRun);
        command.Options.Add(grace);
        command.Options.Add(remote);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            var period = CacheCollector.ParseDuration(parseResult.GetValue(grace)!);
            var dry = parseResult.GetValue(dryRun);
            var onRemote = parseResult.GetValue(remote);
            var result = onRemote
                ? CacheCollector.CollectRemoteAsync(directories, period, dry).GetAwaiter().GetResult()
                : CacheCollector.CollectLocal(directories, period, dry);
            if (dry)
                foreach (var freed in result.Freed.OrderBy(f => f.Key.ToString(), StringComparer.Ordinal))
                    context.Out.WriteLine($"would delete {freed.Key}  {ProgressBar.Bytes(freed.Size)}");
            var where = onRemote ? "on the artifacts remote" : "in the local cache";
            var count = result.Freed.Count == 1 ? "1 object" : $"{result.Freed.Count.ToString("N0", CultureInfo.InvariantCulture)} objects";
            context.Out.WriteLine($"{(dry ? "would delete" : "deleted")} {count} ({ProgressBar.Bytes(result.FreedBytes)}) {where}; " +
                $"kept {result.Referenced.ToString("N0", CultureInfo.InvariantCulture)} referenced by {result.Runs.ToString("N0", CultureInfo.InvariantCulture)} runs " +
                $"({string.Join(", ", result.Refs)}), {result.Young.ToString("N0", CultureInfo.InvariantCulture)} younger than {parseResult.GetValue(grace)}" +
                (result.KeptForActiveRuns > 0 ? $", {result.KeptForActiveRuns} written since a run still recording began" : "") +
                (result.LeftoversRemoved > 0 ? $"; removed {result.LeftoversRemoved} left over from interrupted writes" : ""));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
