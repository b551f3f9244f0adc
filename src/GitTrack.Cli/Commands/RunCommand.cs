using System.CommandLine;
using GitTrack.Cli.Rendering;
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
        var input = new Option<string[]>("--input", "-i") { Description = "A file or folder the run reads (a dataset, a model to fine-tune): its content key is recorded; repeatable" };
        var storeInputs = new Option<bool>("--store") { Description = "Store the --input files in the artifact cache too, not only their keys" };
        var pushEvery = new Option<string?>("--push-every") { Description = "While the run records, commit its state and push the runs branch this often (e.g. 5m), to follow it from another machine" };
        var pushTo = new Option<string?>("--push-to") { Description = "The remote --push-every pushes to (default: the current branch's upstream remote, else origin)" };
        var mlflow = new Option<bool>("--mlflow") { Description = "Serve MLflow's tracking API to the command (MLFLOW_TRACKING_URI): unchanged MLflow scripts record into this run (also: git config gittrack.mlflow true)" };
        var mlflowOverride = new Option<bool>("--mlflow-override") { Description = "With --mlflow: set MLFLOW_TRACKING_URI even when the environment already has one" };
        var command = new Argument<string[]>("command") { Description = "The command to run and its arguments; options after its first word are its own ('--' before it is allowed, not needed)", Arity = ArgumentArity.ZeroOrMore };

        var run = new Command("run", "Run a command and record it (params, metrics, logs, artifacts, code) as a run")
        {
            name, param, paramsFile, tag, note, artifact, input, storeInputs, pushEvery, pushTo, mlflow, mlflowOverride, command,
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
                Inputs = parseResult.GetValue(input) ?? [],
                StoreInputs = parseResult.GetValue(storeInputs),
                StandardOutput = context.OpenStandardOutput?.Invoke(),
                StandardError = context.OpenStandardError?.Invoke(),
                Warn = message => context.Error.WriteLine(ErrorReporter.Warning(message)),
                CheckpointInterval = CheckpointInterval(),
                PushEvery = parseResult.GetValue(pushEvery) is { } every ? Durations.Parse(every, "--push-every") : null,
                PushRemote = parseResult.GetValue(pushTo),
                SaveRetry = SaveRetry(),
                PythonPathAddition = PythonClient.Folder(),
                SystemInterval = SystemInterval(),
            };
            var version = typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0];
            var server = MlflowCompanion.For(context, parseResult.GetValue(mlflow), parseResult.GetValue(mlflowOverride), argv.Length > 0);
            RunOutcome outcome;
            try
            {
                outcome = RunRecorder.RecordAsync(options with { Companion = server }, version).GetAwaiter().GetResult();
            }
            finally
            {
                server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            var recorded = outcome.Run;
            var duration = recorded.Duration is { } d ? $" in {FormatDuration(d)}" : "";
            var status = recorded.Status.ToString().ToLowerInvariant();
            var why = recorded.Error is { } error ? $": {error}" : recorded.ExitCode is { } code && code != 0 ? $" (exit code {code})" : "";
            context.Error.WriteLine(TerminalText.Escape($"gittrack: {recorded.Name} ({recorded.Id[..8]}) {status}{duration}{why}; see: gittrack show {recorded.Name}"));
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

    /// <summary>GITTRACK_SAVE_RETRY_SECONDS: how long a failing save (a full disk) is retried at the run's end; default 60.</summary>
    private static TimeSpan SaveRetry()
    {
        var text = Environment.GetEnvironmentVariable("GITTRACK_SAVE_RETRY_SECONDS");
        if (string.IsNullOrEmpty(text))
            return new RunOptions { WorkingDirectory = "." }.SaveRetry;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86400)
            return TimeSpan.FromSeconds(seconds);
        throw new Core.Errors.InvalidInputException($"invalid GITTRACK_SAVE_RETRY_SECONDS '{text}': expected a number of seconds",
            "unset it, or set it as GITTRACK_SAVE_RETRY_SECONDS=60");
    }

    /// <summary>GITTRACK_SYSTEM_SECONDS (seconds, fractions allowed; 0 turns system metrics off), else the default 10 s.</summary>
    internal static TimeSpan SystemInterval()
    {
        var text = Environment.GetEnvironmentVariable("GITTRACK_SYSTEM_SECONDS");
        if (string.IsNullOrEmpty(text))
            return Core.Runs.SystemMetrics.SystemSampler.DefaultInterval;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86400)
            return seconds == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(seconds, 0.05));
        throw new Core.Errors.InvalidInputException($"invalid GITTRACK_SYSTEM_SECONDS '{text}': expected a number of seconds, 0 to turn system metrics off",
            "unset it, or set it as GITTRACK_SYSTEM_SECONDS=10");
    }

    private static SortedDictionary<string, string> ParseTags(IEnumerable<string> tags)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            // The same rule as 'gittrack tag' (RunEdits); the value is masked with the rest of the record.
            var (key, value) = RunEdits.ParseTag(tag);
            result[key] = value;
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
