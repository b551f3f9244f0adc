using GitTrack.Core.Errors;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// The run before a given one in the same environment: the newest run that started earlier and read its packages from
/// the same places (<see cref="PackagesInfo.Sources"/>: the same virtualenv, conda prefix or project). What
/// <c>gittrack show</c> compares a run's packages with, to say what changed in that environment since.
/// </summary>
public static class PreviousEnvironment
{
    /// <summary>The previous run in <paramref name="run"/>'s environment, reading at most <paramref name="maxReads"/> manifests; null when none.</summary>
    public static RunRecord? Find(RunStore store, RunRecord run, int maxReads = 100)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Packages is not { Sources.Count: > 0 } packages)
            return null;
        var reads = 0;
        foreach (var summary in store.List(includeRemoved: true))
        {
            if (summary.StartedAt >= run.StartedAt || summary.Id == run.Id)
                continue;
            if (reads++ >= maxReads)
                break;
            RunRecord other;
            try
            {
                other = store.Get(summary.Id);
            }
            catch (GitTrackException)
            {
                continue;
            }
            if (other.Packages is { } theirs && theirs.Sources.SequenceEqual(packages.Sources, StringComparer.Ordinal))
                return other;
        }
        return null;
    }
}
