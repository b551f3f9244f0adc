using GitTrack.Core.Runs;

namespace GitTrack.Core.Diff;

/// <summary>
/// Which way each metric improves. In order: a tag <c>direction.&lt;metric&gt;=min|max</c> on run B, then on run A;
/// git config <c>gittrack.direction.&lt;metric&gt;</c> (git allows only letters, digits and '-' there, case-insensitive);
/// then the metric's name: a word loss, error, err, mse, mae, rmse, perplexity, ppl, time, latency means lower is
/// better, a word accuracy, acc, f1, precision, recall, auc, score, r2, bleu higher (words are split at anything
/// not a letter or digit; loss, error, perplexity, accuracy, precision and recall also count inside a word, as in
/// trainLoss). A name with words of both kinds, or none, has no known direction.
/// </summary>
public static class MetricDirections
{
    public const string TagPrefix = "direction.";
    public const string ConfigPrefix = "gittrack.direction.";

    private static readonly string[] LowerWords = ["loss", "losses", "error", "errors", "err", "mse", "mae", "rmse", "perplexity", "ppl", "time", "latency"];
    private static readonly string[] HigherWords = ["accuracy", "acc", "f1", "precision", "recall", "auc", "score", "r2", "bleu"];
    private static readonly string[] LowerInside = ["loss", "error", "perplexity"];
    private static readonly string[] HigherInside = ["accuracy", "precision", "recall"];

    /// <summary>The direction the name alone suggests.</summary>
    public static MetricDirection FromName(string metric)
    {
        var lowered = metric.ToLowerInvariant();
        var words = new string(lowered.Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var lower = words.Any(w => LowerWords.Contains(w) || LowerInside.Any(i => w.Contains(i, StringComparison.Ordinal)));
        var higher = words.Any(w => HigherWords.Contains(w) || HigherInside.Any(i => w.Contains(i, StringComparison.Ordinal)));
        return lower == higher ? MetricDirection.Unknown : lower ? MetricDirection.Min : MetricDirection.Max;
    }

    /// <summary>"min" or "max" (any case, surrounding space ignored), else null.</summary>
    public static MetricDirection? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "min" => MetricDirection.Min,
        "max" => MetricDirection.Max,
        _ => null,
    };

    /// <summary>
    /// The direction of <paramref name="metric"/> between runs <paramref name="a"/> and <paramref name="b"/>, with
    /// <paramref name="configured"/> holding git config's <c>gittrack.direction.*</c> values by lowercased metric name.
    /// </summary>
    public static MetricDirection Resolve(string metric, RunRecord a, RunRecord b, IReadOnlyDictionary<string, string> configured)
    {
        foreach (var run in (ReadOnlySpan<RunRecord>)[b, a])
            if (run.Tags.TryGetValue(TagPrefix + metric, out var tag) && Parse(tag) is { } fromTag)
                return fromTag;
        if (configured.TryGetValue(metric.ToLowerInvariant(), out var value) && Parse(value) is { } fromConfig)
            return fromConfig;
        return FromName(metric);
    }
}
