using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache;

/// <summary>
/// An object a reader wants, with what it is for: the run and the path it has there (artifact or log), so that an
/// object missing locally and on the artifacts remote is reported as "which run, which path, which key".
/// </summary>
public sealed record ObjectNeed(Blake3Hash Key, string? Run = null, string? Path = null)
{
    /// <summary>How messages name it: <c>models/m.pt of run_001 (3f9c2a7b), key 1a2b...</c>, or <c>object 1a2b...</c>.</summary>
    public string Describe() => (Run, Path) switch
    {
        ({ } run, { } path) => $"{path} of {run} (key {Key})",
        ({ } run, null) => $"an object of {run} (key {Key})",
        _ => $"object {Key}",
    };
}
