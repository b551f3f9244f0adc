using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Errors;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack best --metric NAME</c>: the runs with the best last value of a metric, among those matching
/// <c>--filter</c>. Whether higher or lower is better comes from <c>--max</c>/<c>--min</c>, or from the name.
/// <c>gittrack best SWEEP</c> ranks the trials of a sweep (the children of its parent run), by the sweep's metric
/// unless <c>--metric</c> names another.
/// </summary>
public static class BestCommand
{
    public static Command Create(CommandContext context)
    {
        var metric = new Option<string?>("--metric", "-m") { Description = "The metric to rank by (its last logged value); for a sweep, its own by default" };
        var max = new Option<bool>("--max") { Description = "Higher is better (default for names with accuracy, acc, f1, auc, precision, recall...)" };
        var min = new Option<bool>("--min") { Description = "Lower is better (default for names with loss, error, mse, mae, rmse...)" };
        var filter = RunSelection.FilterOption();
        var top = new Option<int>("--top", "-n") { Description = "How many runs to show", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the runs as a JSON array, best first" };
        var per = new Option<string?>("--per") { Description = "The best runs for each value of a param or tag (params.NAME, tags.NAME, or NAME: a param, else a tag)" };
        var sweep = new Argument<string?>("sweep") { Description = "A sweep (its parent run's id, prefix or name): rank its trials", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("best", "The best runs by a metric");
        command.Arguments.Add(sweep);
        command.Options.Add(metric);
        command.Options.Add(max);
        command.Options.Add(min);
        command.Options.Add(filter);
        command.Options.Add(top);
        command.Options.Add(json);
        command.Options.Add(per);
        command.SetAction(parseResult =>
        {
            var name = parseResult.GetValue(metric);
            bool wantMax = parseResult.GetValue(max), wantMin = parseResult.GetValue(min);
            if (wantMax && wantMin)
                throw new InvalidInputException("--max and --min contradict each other", "give one of them");
            var count = parseResult.GetValue(top);
            if (count < 1)
                throw new InvalidInputException($"--top {count} is less than 1", "give a count of 1 or more");
            if (name is null && parseResult.GetValue(sweep) is null)
                throw new InvalidInputException("which metric? give --metric NAME", "for example: gittrack best --metric val_accuracy");
            using var store = context.OpenStore();
            var filterText = parseResult.GetValue(filter);
            string? goal = null;
            if (parseResult.GetValue(sweep) is { } reference)
            {
                // The trials of a sweep are its parent run's children; the sweep recorded which metric ranks them.
                var parent = store.Resolve(reference);
                name ??= parent.Tags.GetValueOrDefault(Core.Sweeps.SweepDefinition.MetricTag)
                    ?? throw new InvalidInputException($"sweep {parent.Name} records no metric to rank its trials by", "give --metric NAME");
                if (name == parent.Tags.GetValueOrDefault(Core.Sweeps.SweepDefinition.MetricTag))
                    goal = parent.Tags.GetValueOrDefault(Core.Sweeps.SweepDefinition.GoalTag);
                filterText = filterText is null ? $"parent = {parent.Id}" : $"parent = {parent.Id} and ({filterText})";
            }
            var ranking = name!;
            var matching = RunSelection.Select(store, context.Error, filterText, sort: null, limit: null);
            // A name no run has is a typo more often than a metric still to come: say so before asking for a direction.
            if (matching.Count > 0 && !matching.Any(r => r.Metrics.ContainsKey(ranking)))
                throw UnknownMetric(ranking, matching, filtered: filterText is not null);
            var higherIsBetter = !wantMax && !wantMin && goal is "max" or "min"
                ? goal == "max"
                : Direction(ranking, wantMax, wantMin);
            // Runs without the metric, or whose last value is NaN, cannot be ranked and are left out.
            if (parseResult.GetValue(per) is { } perKey)
                return BestPerGroup.Write(context, matching, perKey, ranking, higherIsBetter, count, parseResult.GetValue(json));
            var ranked = Rank(matching, ranking, higherIsBetter, count);
            if (parseResult.GetValue(json))
            {
                JsonOutput.To(context.Out, writer =>
                {
                    writer.WriteStartArray();
                    foreach (var run in ranked)
                        RunJson.WriteSummary(writer, run);
                    writer.WriteEndArray();
                });
                return (int)ExitCode.Ok;
            }
            if (ranked.Count == 0)
            {
                throw new NotFoundException(matching.Count == 0 ? "no runs match the filter" : $"none of the {matching.Count} matching runs has metric '{ranking}'",
                    "see 'gittrack ls --columns name,metrics.*' for the metrics runs have");
            }
            var table = LsCommand.Render(ranked, ranking);
            context.Error.WriteLine(TerminalText.Escape($"best by {ranking} ({(higherIsBetter ? "highest" : "lowest")} last value) of {matching.Count} matching runs:"));
            table.Write(context.Out, context.UseColor);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>No listed run has the metric: the names near it (a typo), or where to see the names runs have.</summary>
    private static NotFoundException UnknownMetric(string name, IReadOnlyList<RunSummary> runs, bool filtered)
    {
        var names = runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        var near = NearNames.Of(name, names);
        var what = filtered ? $"none of the {runs.Count} runs matching the filter has metric '{name}'" : $"no run has metric '{name}'";
        var hint = near.Count > 0
            ? $"did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}? 'gittrack ls --columns name,metrics.*' shows the metrics runs have"
            : names.Count == 0 ? "no run logged a metric yet"
            : "'gittrack ls --columns name,metrics.*' shows the metrics runs have";
        return new NotFoundException(what, hint);
    }
    /// <summary>Runs with the metric (NaN left out), best first, newer first among equals, the first <paramref name="count"/>.</summary>
    internal static List<RunSummary> Rank(IEnumerable<RunSummary> runs, string metric, bool higherIsBetter, int count) => runs
        .Where(r => r.Metrics.TryGetValue(metric, out var v) && !double.IsNaN(v))
        .OrderBy(r => higherIsBetter ? -r.Metrics[metric] : r.Metrics[metric])
        .ThenByDescending(r => r.StartedAt)
        .Take(count)
        .ToList();

    private static readonly HashSet<string> Lower = new(StringComparer.Ordinal)
    {
        "loss", "error", "err", "mse", "mae", "rmse", "mape", "perplexity", "ppl", "wer", "cer", "nll", "cost", "regret",
    };

    private static readonly HashSet<string> Higher = new(StringComparer.Ordinal)
    {
        "accuracy", "acc", "f1", "auc", "roc", "precision", "recall", "map", "iou", "bleu", "rouge", "r2", "score", "reward", "return", "top1", "top5",
    };

    /// <summary>
    /// True when higher is better. <c>--max</c>/<c>--min</c> decide; otherwise the words of the name
    /// (<c>val_accuracy</c>: val, accuracy) say it, and a name that says neither or both is an input error.
    /// </summary>
    internal static bool Direction(string metric, bool max, bool min)
    {
        if (max && min)
            throw new InvalidInputException("--max and --min contradict each other", "give one of them");
        if (max || min)
            return max;
        var words = metric.ToLowerInvariant().Split(['_', '/', '.', '-', ' ', ':'], StringSplitOptions.RemoveEmptyEntries);
        bool lower = words.Any(Lower.Contains), higher = words.Any(Higher.Contains);
        if (lower != higher)
            return higher;
        throw new InvalidInputException($"cannot tell whether a higher or lower '{metric}' is better",
            "add --max (higher is better) or --min (lower is better)");
    }
}
