namespace GitTrack.Core.Checkout.Internal;

/// <summary>One entry of a code snapshot tree as <c>git ls-tree -r</c> lists it.</summary>
internal sealed record SnapshotEntry(string Mode, string Type, string Oid, string Path)
{
    public bool IsSymlink => Mode == "120000";
}
