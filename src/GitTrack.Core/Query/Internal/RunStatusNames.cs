using GitTrack.Core.Runs;

namespace GitTrack.Core.Query.Internal;

/// <summary>The names a query gives <see cref="RunStatus"/> values, as the manifest writes them (lowercase).</summary>
internal static class RunStatusNames
{
    public static readonly string[] All = ["running", "completed", "failed", "killed", "crashed"];

    public static string Of(RunStatus status) =>
        (int)status >= 0 && (int)status < All.Length ? All[(int)status] : status.ToString().ToLowerInvariant();
}
