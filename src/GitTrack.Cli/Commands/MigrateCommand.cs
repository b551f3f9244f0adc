using System.CommandLine;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack migrate [--dry-run]</c>: converts a runs branch written by an earlier gittrack (schema 1) to the current
/// format in one commit, losing nothing, and says what it did.
/// </summary>
public static class MigrateCommand
{
    public static Command Create(CommandContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would change, change nothing" };
        var command = new Command("migrate", "Convert the runs branch from an earlier format (schema 1) to the current one") { dryRun };
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var dry = parseResult.GetValue(dryRun);
            var report = store.Migrate(dry);
            foreach (var skipped in report.Skipped)
                context.Error.WriteLine($"gittrack: warning: left as it is, unreadable: {skipped.Path}: {skipped.Reason}");
            var changes = report.ManifestsRewritten + report.TombstonesToEdits + report.CodeEntriesRemoved;
            if (changes == 0 && !report.ReadmeAdded)
            {
                context.Out.WriteLine($"{store.Branch.Name} is already in the current format ({report.RunsRead} runs read)");
                return (int)ExitCode.Ok;
            }
            var verb = dry ? "would rewrite" : "rewrote";
            context.Out.WriteLine($"{verb} {report.ManifestsRewritten} of {report.RunsRead} manifests as schema 2, " +
                $"turned {report.TombstonesToEdits} 'deleted' marks into hide edits, " +
                $"moved {report.CodeEntriesRemoved} code snapshots out of the tree (they stay in the branch's history; source.tree names each)" +
                (report.ReadmeAdded ? ", added README.md" : "") +
                (report.Commit is { } commit ? $"; commit {commit[..12]} on {store.Branch.Name}" : ""));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
