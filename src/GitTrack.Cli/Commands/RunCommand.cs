using System.CommandLine;
using System.Globalization;
using System.Reflection;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack run [options] [--] CMD [ARGS...]</c>: runs a command and records it as a run. Options after the
/// command's first word are the command's (<see cref="TrailingCommandLine"/>).
/// </summary>
public static class RunCommand
{
    public static Command Create(CommandContext context)
    {
        var name = new Option<string?>("--name", "-n") { Description = "Name of the run (default: the next run_NNN)" };
        var param = new Option<string[]>("--param", "-p") { Description = "A param K=V (typed: integer, float, true/false, else string); repeatable", AllowMultipleArgumentsPerToken = false };
        var paramsFile = new Option<string?>("--params-file") { Description = "Params from a TOML, YAML or JSON file (nested keys become dotted names)" };
        var tag = new Option<string[]>("--tag", "-t") { Description = "A tag K=V; repeatable" };
        var note = new Option<string?>("--note") { Description = "A note to keep with the run" };
        var artifact = new Option<string[]>("--artifact", "-a") { Description = "A file or folder to store with the run when it ends; repeatable" };
        var command = new Argument<string[]>("command") { Description = "The command to run and its arguments; options after its first word are its own ('--' before it is allowed, not needed)", Arity = ArgumentArity.ZeroOrMore };

        var run = new Command("run", "Run a command and record it (params, metrics, logs, artifacts, code) as a run")
        {
            name, param, paramsFile, tag, note, artifact, command,
        };
        run.SetAction(parseResult =>
        {
            var argv = TrailingCommandLine.CommandLineOf(parseResult.GetValue(command) ?? [], "run");
            var fileParams = parseResult.GetValue(paramsFile) is { } file
                ? ParamsParser.ReadFile(context.FullPath(file))
                : new SortedDictionary<string, object>(StringComparer.Ordinal);
            var cliParams = ParamsParser.ParseArguments(parseResult.GetValue(param) ?? []);
            var options = new RunOptions
            {
                Command = argv,
                WorkingDirectory = context.WorkingDirectory,
                Name = parseResult.GetValue(name),
                Params = ParamsParser.Combine(fileParams, cliParams),
                Tags = ParseTags(parseResult.GetValue(tag) ?? []),
                Note = parseResult.GetValue(note),
                Artifacts = parseResult.GetValue(artifact) ?? [],
                StandardOutput = context.OpenStandardOutput?.Invoke(),
                StandardError = context.OpenStandardError?.Invoke(),
                Warn = message => context.Error.WriteLine($"gittrack: warning: {message}"),
                CheckpointInterval = CheckpointInterval(),
            };
            var version = typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0];
            var outcome = RunRecorder.RecordAsync(options, version).GetAwaiter().GetResult();
            var recorded = outcome.Run;
            var duration = recorded.Duration is { } d ? $" in {FormatDuration(d)}" : "";
            var status = recorded.Status.ToString().ToLowerInvariant();
            var why = recorded.Error is { } error ? $": {error}" : recorded.ExitCode is { } code && code != 0 ? $" (exit code {code})" : "";
            context.Error.WriteLine($"gittrack: {recorded.Name} ({recorded.Id[..8]}) {status}{duration}{why}; see: gittrack show {recorded.Name}");
            return outcome.ExitCode;
        });
        return TrailingCommandLine.Mark(run);
    }

    /// <summary>GITTRACK_CHECKPOINT_SECONDS (a positive number, fractions allowed), else the default 5 s.</summary>
    private static TimeSpan CheckpointInterval()
    {
        var text = Environment.GetEnvironmentVariable("GITTRACK_CHECKPOINT_SECONDS");
        if (string.IsNullOrEmpty(text))
            return new RunOptions { WorkingDirectory = "." }.CheckpointInterval;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86400)
            return TimeSpan.FromSeconds(seconds);
        throw new Core.Errors.InvalidInputException($"invalid GITTRACK_CHECKPOINT_SECONDS '{text}': expected a number of seconds above 0",
            "unset it, or set it as GITTRACK_CHECKPOINT_SECONDS=5");
    }

    private static SortedDictionary<string, string> ParseTags(IEnumerable<string> tags)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            int eq = tag.IndexOf('=');
            if (eq <= 0)
                throw new Core.Errors.InvalidInputException($"bad --tag '{tag}': expected KEY=VALUE", "for example --tag dataset=v2");
            result[tag[..eq].Trim()] = tag[(eq + 1)..];
        }
        return result;
    }

    internal static string FormatDuration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 60 => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        < 3600 => $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s",
        _ => $"{(int)duration.TotalHours}h{duration.Minutes:00}m",
    };
}
