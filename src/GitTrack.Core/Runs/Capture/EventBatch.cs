namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// What one read of the events file found, by kind, each list in file order: metric points, params and tags
/// (a name given twice: the later value wins when applied), artifact paths as the child wrote them (relative to
/// the command's working directory, or absolute), and the lines that were skipped, and the reason for a failure the command gave (an <c>error</c> event).
/// </summary>
public sealed class EventBatch
{
    public List<MetricPoint> Metrics { get; } = [];
    public List<KeyValuePair<string, object>> Params { get; } = [];

    /// <summary>Defaults the code read (param events with <c>"default":true</c>), kept only where the run has no value of that name.</summary>
    public List<KeyValuePair<string, object>> DefaultParams { get; } = [];
    public List<KeyValuePair<string, string>> Tags { get; } = [];
    public List<string> Artifacts { get; } = [];
    /// <summary>Inputs the command said it reads (<c>input</c> events): paths as written, and whether to store them too.</summary>
    public List<(string Path, bool Store)> Inputs { get; } = [];
    public List<EventProblem> Problems { get; } = [];

    /// <summary>What the reader refused or did about the events file itself (replaced by a named pipe, say), to show the user once each.</summary>
    public List<string> Notices { get; } = [];

    /// <summary>The message of the batch's last <c>error</c> event (why the command is failing), or null.</summary>
    public string? Error { get; internal set; }

    /// <summary>Problems found but not listed in <see cref="Problems"/>, past the reader's limit (a child writing garbage).</summary>
    public long UnlistedProblems { get; internal set; }

    /// <summary>Complete lines read in this batch, blank ones included.</summary>
    public long Lines { get; internal set; }

    public bool IsEmpty => Metrics.Count == 0 && Params.Count == 0 && DefaultParams.Count == 0 && Tags.Count == 0 && Artifacts.Count == 0 && Inputs.Count == 0
        && Problems.Count == 0 && UnlistedProblems == 0 && Error is null && Notices.Count == 0;
}
