using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Sweeps;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack sweep [-p NAME=SPACE]... [--random N] [-j JOBS] [--] CMD [ARGS...]</c>: runs CMD once per point of a
/// grid or a random search, each trial a <c>gittrack run</c> under one parent run (docs/sweeps.md). As with
/// <c>run</c>, options after the command's first word are the command's (<see cref="TrailingCommandLine"/>).
/// </summary>
public static class SweepCommand
{
    public static Command Create(CommandContext context)
    {
        var param = new Option<string[]>("--param", "-p") { Description = "A param and its space: lr=0.1,0.01  depth=2..8[:2]  lr=loguniform(1e-4,1e-1)  units=choice(64,128)  epochs=10; repeatable" };
        var paramsFile = new Option<string?>("--params-file") { Description = "Spaces from a TOML, YAML or JSON file (-p overrides it)" };
        var random = new Option<int?>("--random") { Description = "Draw N trials at random instead of going over the grid" };
        var seed = new Option<long?>("--seed") { Description = "The seed of --random (default: drawn, and recorded on the sweep)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Trials run at the same time", DefaultValueFactory = _ => 1 };
        var gpus = new Option<string?>("--gpus") { Description = "GPU ids, e.g. 0,1,2,3: each trial gets one as CUDA_VISIBLE_DEVICES, the least busy in turn" };
        var name = new Option<string?>("--name", "-n") { Description = "Name of the sweep (default: the next sweep_NNN); trials are NAME/01, NAME/02..." };
        var tag = new Option<string[]>("--tag", "-t") { Description = "A tag K=V for the sweep and every trial; repeatable" };
        var metric = new Option<string?>("--metric", "-m") { Description = "The metric that picks the best trial (default: the one the trials log, if only one)" };
        var max = new Option<bool>("--max") { Description = "Higher --metric is better" };
        var min = new Option<bool>("--min") { Description = "Lower --metric is better" };
        var maxFailures = new Option<int?>("--max-failures") { Description = "Start no new trial after N have failed" };
        var resume = new Option<string?>("--resume") { Description = "Run the trials of sweep SWEEP that did not complete (its params and command as recorded)" };
        var command = new Argument<string[]>("command") { Description = "The command each trial runs and its arguments; options after its first word are its own ('--' before it is allowed, not needed)", Arity = ArgumentArity.ZeroOrMore };

        var sweep = new Command("sweep", "Run a command over a grid or a random search of params, each trial a run under one parent run")
        {
            param, paramsFile, random, seed, jobs, gpus, name, tag, metric, max, min, maxFailures, resume, command,
        };
        sweep.SetAction(parseResult =>
        {
            var argv = TrailingCommandLine.CommandLineOf(parseResult.GetValue(command) ?? [], "sweep");
            var gpuList = ParseGpus(parseResult.GetValue(gpus));
            var options = new SweepOptions
            {
                WorkingDirectory = context.WorkingDirectory,
                Gittrack = SelfCommand(),
                Jobs = parseResult.GetValue(jobs),
                Gpus = gpuList,
                MaxFailures = parseResult.GetValue(maxFailures),
                ExecutionOptions = ExecutionOptions(parseResult.GetValue(jobs), parseResult.GetValue(gpus), parseResult.GetValue(maxFailures)),
                GittrackVersion = typeof(SweepCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
                Report = message => context.Error.WriteLine($"gittrack: {message}"),
                Warn = message => context.Error.WriteLine($"gittrack: warning: {message}"),
            };
            if (options.Jobs < 1)
                throw new InvalidInputException($"-j {options.Jobs} is less than 1", "run at least one trial at a time");
            if (options.MaxFailures is < 1)
                throw new InvalidInputException($"--max-failures {options.MaxFailures} is less than 1", "give a count of 1 or more");

            SweepOutcome outcome;
            if (parseResult.GetValue(resume) is { } reference)
            {
                // A resume runs the sweep as recorded: what defines the trials cannot be given again.
                if ((parseResult.GetValue(param)?.Length ?? 0) > 0 || parseResult.GetValue(paramsFile) is not null || parseResult.GetValue(random) is not null
                    || parseResult.GetValue(seed) is not null || parseResult.GetValue(name) is not null || (parseResult.GetValue(tag)?.Length ?? 0) > 0
                    || parseResult.GetValue(metric) is not null || parseResult.GetValue(max) || parseResult.GetValue(min) || argv.Length > 0)
                    throw new InvalidInputException("--resume runs the sweep's recorded params and command",
                        "give only -j, --gpus and --max-failures with it");
                outcome = SweepRunner.ResumeAsync(reference, options).GetAwaiter().GetResult();
            }
            else
            {
                // Everything about the trials is read and checked before anything runs or is recorded.
                var definition = Define(context, parseResult.GetValue(param) ?? [], parseResult.GetValue(paramsFile), parseResult.GetValue(random),
                    parseResult.GetValue(seed), parseResult.GetValue(name), parseResult.GetValue(tag) ?? [], parseResult.GetValue(metric),
                    parseResult.GetValue(max), parseResult.GetValue(min), argv);
                outcome = SweepRunner.StartAsync(definition, options).GetAwaiter().GetResult();
            }
            context.Error.WriteLine(Closing(outcome));
            return outcome.ExitCode;
        });
        return TrailingCommandLine.Mark(sweep);
    }

    private static SweepDefinition Define(CommandContext context, string[] spaces, string? file, int? random, long? seed, string? name,
        string[] tags, string? metric, bool max, bool min, string[] command)
    {
        if (command.Length == 0)
            throw new InvalidInputException("no command for the trials", "give it after the options: gittrack sweep -p lr=0.1,0.01 python train.py");
        if (seed is not null && random is null)
            throw new InvalidInputException("--seed is for --random", "add --random N, or leave --seed out for a grid");
        if (max && min)
            throw new InvalidInputException("--max and --min contradict each other", "give one of them");
        if ((max || min) && metric is null)
            throw new InvalidInputException($"{(max ? "--max" : "--min")} needs --metric", "name the metric: --metric val_accuracy --max");
        var goal = max ? MetricDirection.Max : min ? MetricDirection.Min : MetricDirection.Unknown;
        if (metric is not null && goal == MetricDirection.Unknown && MetricDirections.FromName(metric) == MetricDirection.Unknown)
            throw new InvalidInputException($"cannot tell whether a higher or lower '{metric}' is better", "add --max (higher is better) or --min (lower is better)");
        var fromFile = file is null ? [] : SweepFile.Read(context.FullPath(file));
        var space = SweepSpace.Combine(fromFile, spaces.Select(SpaceParser.ParseArgument));
        if (random is { } count)
            SweepSpace.CheckRandomCount(count);
        var definition = new SweepDefinition
        {
            Name = name ?? "",
            Space = space,
            Mode = random is null ? SweepMode.Grid : SweepMode.Random,
            RandomCount = random ?? 0,
            Seed = seed ?? RandomNumberGenerator.GetInt32(1, int.MaxValue),
            Command = command,
            Tags = ParseTags(tags),
            Metric = metric,
            Goal = goal,
        };
        // Checked before the default name is looked up, so a bad space is reported even outside a repository.
        (definition with { Name = name ?? "sweep" }).Validate();
        return name is null ? definition with { Name = SweepRunner.NextName(context.WorkingDirectory) } : definition;
    }

    /// <summary>The closing line: how the sweep ended, its best trial, and what to do next.</summary>
    private static string Closing(SweepOutcome outcome)
    {
        var parent = outcome.Parent;
        var summary = outcome.Summary;
        var label = $"sweep {parent.Name} ({parent.Id[..RunId.ShortLength]})";
        var best = summary.Best is { } b && summary.Metric is { } m && summary.BestValue is { } v
            ? $"; best {b.Name} ({b.Id[..RunId.ShortLength]}) {m}={v.ToString("G6", CultureInfo.InvariantCulture)}"
            : summary.Completed > 0 && summary.Metric is null ? "; give --metric to pick the best trial" : "";
        var counts = $"{summary.Completed} completed, {summary.Failed} failed, {summary.Killed} killed of {summary.Definition.TrialCount} trials";
        var next = outcome.Remaining > 0
            ? $"; run the rest with: gittrack sweep --resume {parent.Id[..RunId.ShortLength]}"
            : $"; see: gittrack ls --filter 'parent = {parent.Id[..RunId.ShortLength]}'";
        var how = outcome.Interruption is { } signal ? $"interrupted by {signal}" : outcome.StoppedForFailures ? "stopped by --max-failures"
            : outcome.ExitCode == 0 ? "completed" : "ended with failed trials";
        return $"gittrack: {label} {how}: {counts}{best}{next}";
    }

    private static IReadOnlyList<string> ParseGpus(string? text)
    {
        if (text is null)
            return [];
        var ids = text.Split(',', StringSplitOptions.TrimEntries);
        if (ids.Length == 0 || ids.Any(id => id.Length == 0 || id.Any(c => char.IsControl(c) || c == ' ')))
            throw new InvalidInputException($"bad --gpus '{text}': expected GPU ids separated by commas", "for example --gpus 0,1,2,3");
        return ids;
    }

    private static List<string> ExecutionOptions(int jobs, string? gpus, int? maxFailures)
    {
        var options = new List<string>();
        if (jobs != 1)
            options.AddRange(["-j", jobs.ToString(CultureInfo.InvariantCulture)]);
        if (gpus is not null)
            options.AddRange(["--gpus", gpus]);
        if (maxFailures is { } n)
            options.AddRange(["--max-failures", n.ToString(CultureInfo.InvariantCulture)]);
        return options;
    }

    private static SortedDictionary<string, string> ParseTags(IEnumerable<string> tags)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            int eq = tag.IndexOf('=');
            if (eq <= 0)
                throw new InvalidInputException($"bad --tag '{tag}': expected KEY=VALUE", "for example --tag dataset=v2");
            result[tag[..eq].Trim()] = tag[(eq + 1)..];
        }
        return result;
    }

    /// <summary>
    /// How to start this same gittrack for a trial: the native executable itself, or the dotnet host with
    /// gittrack.dll when it runs as <c>dotnet gittrack.dll</c>.
    /// </summary>
    internal static IReadOnlyList<string> SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidInputException("cannot tell which gittrack is running", "run gittrack by its path");
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return [process, Path.Combine(AppContext.BaseDirectory, "gittrack.dll")];
        return [process];
    }
}
