using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Checkout;

/// <summary>What <c>gittrack rerun</c> found for one recorded input.</summary>
public enum InputState
{
    /// <summary>The content has the recorded key.</summary>
    Same = 0,
    /// <summary>The content differs from what the run read.</summary>
    Changed = 1,
    /// <summary>Nothing at the path.</summary>
    Missing = 2,
    /// <summary>Missing from the rerun's folder and put back from the artifact cache (the run stored it).</summary>
    Restored = 3,
}

/// <summary>One recorded input of a run as <c>gittrack rerun</c> finds it now (<see cref="Current"/>: its key now, if any).</summary>
public sealed record InputCheck(InputEntry Recorded, string FullPath, InputState State, Blake3Hash? Current, string? Note = null);
