using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack log RUN [-o FILE]</c>: what a run's command printed (stdout and stderr, interleaved, as captured), from
/// the artifact cache, verified as it streams; with <c>-o</c> into a file that is replaced only once verified.
/// </summary>
public static class LogCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Write the log to this file (replaced only once the content is verified) instead of standard output",
        };
        var command = new Command("log", "Print what a run's command printed (its captured output)");
        command.Arguments.Add(runArgument);
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            RunRecord run;
            using (var store = RunStore.Open(directories))
                run = store.Resolve(parseResult.GetValue(runArgument)!);
            var label = run.Name.Length > 0 ? run.Name : run.Id[..RunId.ShortLength];
            if (run.Log is not { } log)
            {
                throw run.Status switch
                {
                    RunStatus.Running => new NotFoundException($"run {label} is still running; its log is stored when it ends",
                        "its output reaches the terminal that runs it meanwhile; run 'gittrack log' again once it has ended"),
                    RunStatus.Crashed => new NotFoundException($"run {label} crashed before its log was stored",
                        "gittrack itself was killed while the command ran; the output went only to its terminal"),
                    _ => new NotFoundException($"run {label} has no captured log",
                        run.Error is { Length: > 0 } error ? $"its command did not run: {error}" : "it was recorded without one"),
                };
            }
            var cache = ArtifactCache.Open(directories);
            if (!cache.Contains(log.Key))
                throw new NotFoundException($"the log of run {label} ({log.Key.ToString()[..12]}) is not in this clone's artifact cache",
                    "logs stay in the cache of the clone that recorded the run; run 'gittrack log' there");
            if (parseResult.GetValue(output) is { } outputPath)
            {
                using var progress = new ProgressBar(context, "writing", total: log.Size);
                cache.RestoreTo(log.Key, context.FullPath(outputPath), progress);
            }
            else if (context.OpenStandardOutput is { } openStandardOutput)
            {
                // Bytes reach standard output as they are verified; a corrupt object still fails the command.
                using var stdout = openStandardOutput();
                cache.CopyTo(log.Key, stdout);
                stdout.Flush();
            }
            else
            {
                using var text = new TextWriterStream(context.Out);
                cache.CopyTo(log.Key, text);
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
