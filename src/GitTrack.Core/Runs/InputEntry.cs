using GitTrack.Core.Hashing;

namespace GitTrack.Core.Runs;

/// <summary>
/// Data a run read (<c>gittrack run --input</c>, an <c>input</c> event): its path (from the work tree root, or absolute
/// when outside it), content key and size. A folder's key is the key of its listing (docs/format.md, "Inputs"), its
/// size the sum of its files' sizes. <see cref="Stored"/> says whether the content is also in the artifact cache.
/// </summary>
public sealed record InputEntry(string Path, Blake3Hash Key, long Size, bool IsFolder = false, long Files = 1, bool Stored = false)
{
    /// <summary>Whether <see cref="Path"/> is outside the work tree (absolute).</summary>
    public bool IsAbsolute => Path.StartsWith('/');
}
