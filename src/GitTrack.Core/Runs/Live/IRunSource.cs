namespace GitTrack.Core.Runs.Live;

/// <summary>
/// Where a live view (<c>gittrack watch</c>) reads runs from: the runs, one run, its metric history and its log.
/// The one seam between the views that follow running runs and how running runs are stored, so a change of
/// storage (checkpoints kept in local files instead of commits) changes only the implementation.
/// </summary>
public interface IRunSource : IDisposable
{
    /// <summary>
    /// Changes whenever anything <see cref="List"/>, <see cref="Get"/> or <see cref="ReadHistory"/> would return may
    /// have changed (a new run, a checkpoint, an edit); the same value means nothing needs reading again. Logs change
    /// without it.
    /// </summary>
    string? Version { get; }

    /// <summary>Every listed run, newest first, running runs whose recorder is gone shown as crashed.</summary>
    IReadOnlyList<RunSummary> List();

    /// <summary>The run named by an id, a unique id prefix (4+ hex digits) or a unique name; throws when none or several match.</summary>
    RunRecord Get(string idOrName);

    /// <summary>The run's metric history, in logging order per metric.</summary>
    IReadOnlyList<MetricPoint> ReadHistory(string id);

    /// <summary>
    /// The last <paramref name="maxBytes"/> bytes of the run's output (stdout and stderr interleaved), decoded as UTF-8:
    /// a running run's live log on this machine, an ended run's stored log. Null when the log is not here (a run
    /// recorded elsewhere and fetched, whose log stayed in that machine's cache).
    /// </summary>
    string? ReadLogTail(RunRecord run, int maxBytes);
}
