namespace GitTrack.Core.Diff;

/// <summary>How one named thing (param, metric, tag, field, artifact) differs between run A and run B.</summary>
public enum ChangeKind
{
    Same = 0,
    Added = 1,
    Removed = 2,
    Changed = 3,
}
