using System.CommandLine;
using GitTrack.Cli.Rendering;
using System.Text;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack cache add|cat|verify|push|pull</c>: the artifact cache by hand, and moving runs' objects to and from the
/// artifacts remote. Keys print as 64 hex digits and may be given as any unique prefix of 4 or more.
/// </summary>
public static class CacheCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("cache", "Store, read and check files in the content-addressed artifact cache");
        command.Subcommands.Add(CreateAdd(context));
        command.Subcommands.Add(CreateCat(context));
        command.Subcommands.Add(CreateVerify(context));
        command.Subcommands.Add(CreateTransfer(context, push: true));
        command.Subcommands.Add(CreateTransfer(context, push: false));
        return command;
    }

    private static Command CreateTransfer(CommandContext context, bool push)
    {
        var runs = new Argument<string[]>("runs")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = push ? "Runs whose objects to upload (default: every run, removed ones included)" : "Runs whose objects to download (default: every listed run)",
        };
        var command = push
            ? new Command("push", "Upload the objects (artifacts and logs) of runs to the artifacts remote, skipping those it has")
            : new Command("pull", "Download the objects (artifacts and logs) of runs from the artifacts remote, skipping those here");
        command.Arguments.Add(runs);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            var cache = ArtifactCache.Open(directories);
            List<RunRecord> records;
            using (var store = RunStore.Open(directories))
            {
                var given = parseResult.GetValue(runs) ?? [];
                records = given.Length > 0
                    ? [.. given.Select(text => store.Resolve(text)).DistinctBy(r => r.Id)]
                    : [.. store.List(includeRemoved: push).Select(r => store.Get(r.Id))];
                RunSelection.WarnSkipped(store, context.Error);
            }
            using var progress = new ProgressBar(context, push ? "uploading" : "downloading", 0);
            var result = (push ? ArtifactSync.PushAsync(cache, records, progress) : ArtifactSync.PullAsync(cache, records, progress))
                .GetAwaiter().GetResult();
            progress.Dispose();
            var runsText = records.Count == 1 ? "1 run" : $"{records.Count} runs";
            if (result.Transferred == 0)
                context.Out.WriteLine(push
                    ? $"nothing to push: all {Objects(result.Objects)} of {runsText} are on {result.Remote}"
                    : $"nothing to pull: all {Objects(result.Objects)} of {runsText} are here");
            else
                context.Out.WriteLine(push
                    ? $"pushed {Objects(result.Transferred)} ({ProgressBar.Bytes(result.TransferredBytes)}) of {runsText} to {result.Remote}; {result.AlreadyThere} already there"
                    : $"pulled {Objects(result.Transferred)} ({ProgressBar.Bytes(result.TransferredBytes)}) of {runsText} from {result.Remote}; {result.AlreadyThere} already here");
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static string Objects(int n) => n == 1 ? "1 object" : $"{n} objects";

    private static ArtifactCache OpenCache(CommandContext context) =>
        ArtifactCache.Open(GitDirectories.Discover(context.WorkingDirectory));

    private static Command CreateAdd(CommandContext context)
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "Files to store (not folders)" };
        var command = new Command("add", "Store files in the cache and print '<key>  <path>' for each, as b3sum does");
        command.Arguments.Add(files);
        command.SetAction(parseResult =>
        {
            var cache = OpenCache(context);
            var given = parseResult.GetValue(files)!;
            // Check every name first, so a typo in the last one is reported before minutes of work on the others.
            foreach (var file in given)
            {
                if (Directory.Exists(context.FullPath(file)))
                    throw new InvalidInputException($"is a folder, not a file: {file}",
                        "give the files inside it, for example: find DIR -type f -exec gittrack cache add {} +");
                if (!File.Exists(context.FullPath(file)))
                    throw new InvalidInputException($"no such file: {file}", "check the path");
            }
            using var progress = new ProgressBar(context, "adding", 0);
            foreach (var file in given)
            {
                var path = context.FullPath(file);
                progress.Restart(TerminalText.Escape($"adding {Path.GetFileName(path)}"), File.Exists(path) ? new FileInfo(path).Length : 0);
                var key = cache.AddFile(path, progress);
                context.Out.WriteLine(TerminalText.Escape($"{key}  {file}"));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command CreateCat(CommandContext context)
    {
        var keyArgument = new Argument<string>("key") { Description = "The object's key, or a unique prefix of 4 or more hex digits" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Write to this file (replaced only once the content is verified) instead of standard output",
        };
        var command = new Command("cat", "Write a cached object's content, verified against its key");
        command.Arguments.Add(keyArgument);
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            var cache = OpenCache(context);
            var key = cache.ResolvePrefix(parseResult.GetValue(keyArgument)!);
            if (parseResult.GetValue(output) is { } outputPath)
            {
                using var progress = new ProgressBar(context, "restoring", total: 0);
                cache.RestoreTo(key, context.FullPath(outputPath), progress);
            }
            else if (context.OpenStandardOutput is { } openStandardOutput)
            {
                // Bytes reach standard output as they are verified; a corrupt object still fails the command.
                using var stdout = openStandardOutput();
                cache.CopyTo(key, stdout);
                stdout.Flush();
            }
            else
            {
                using var text = new TextWriterStream(context.Out);
                cache.CopyTo(key, text);
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command CreateVerify(CommandContext context)
    {
        var keys = new Argument<string[]>("keys") { Arity = ArgumentArity.ZeroOrMore, Description = "Keys or prefixes to check (all objects when none)" };
        var command = new Command("verify", "Re-hash cached objects; exit 1 naming every corrupt one");
        command.Arguments.Add(keys);
        command.SetAction(parseResult =>
        {
            var cache = OpenCache(context);
            var given = parseResult.GetValue(keys) ?? [];
            List<Blake3Hash> toCheck = given.Length > 0
                ? given.Select(cache.ResolvePrefix).Distinct().ToList()
                : cache.EnumerateKeys().OrderBy(k => k.ToString(), StringComparer.Ordinal).ToList();

            long totalStored = toCheck.Sum(k => SafeLength(cache.PathOf(k)));
            long doneStored = 0;
            long contentBytes = 0;
            int bad = 0;
            using var progress = new ProgressBar(context, "verifying", totalStored);
            foreach (var key in toCheck)
            {
                var result = cache.Verify(key);
                doneStored += SafeLength(cache.PathOf(key));
                progress.Report(doneStored);
                contentBytes += result.Size;
                if (result.IsIntact)
                    continue;
                bad++;
                var what = result.Status == VerifyStatus.Missing ? $"missing object {key}" : $"corrupt object {key}";
                context.Error.WriteLine(ErrorReporter.Line(what, result.Problem));
            }
            progress.Dispose();
            var objects = toCheck.Count == 1 ? "1 object" : $"{toCheck.Count} objects";
            if (bad > 0)
            {
                context.Out.WriteLine(TerminalText.Escape($"verified {objects}: {bad} corrupt or missing"));
                return (int)ExitCode.Failed;
            }
            context.Out.WriteLine(TerminalText.Escape($"verified {objects} ({ProgressBar.Bytes(contentBytes)}): all intact"));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static long SafeLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
