using System.Runtime.InteropServices;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Sweeps;

/// <summary>How a sweep (or a resume of one) ended.</summary>
public sealed record SweepOutcome
{
    /// <summary>The parent run as it is now.</summary>
    public required RunRecord Parent { get; init; }
    public required SweepSummary Summary { get; init; }
    /// <summary>Trials started by this invocation.</summary>
    public int Started { get; init; }
    /// <summary>0 when every trial completed, 1 when one failed (or --max-failures stopped the sweep), 128+n after signal n.</summary>
    public int ExitCode { get; init; }
    public PosixSignal? Interruption { get; init; }
    /// <summary>True when --max-failures stopped the sweep.</summary>
    public bool StoppedForFailures { get; init; }
    /// <summary>Trials of the plan that have not completed (what --resume would run).</summary>
    public int Remaining { get; init; }
}
