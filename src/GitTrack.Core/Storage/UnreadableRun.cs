namespace GitTrack.Core.Storage;

/// <summary>
/// An entry under <c>runs/</c> on the runs branch that listings skip because it cannot be read as a run (a damaged
/// manifest, a newer schema, something another tool put there): its path on the branch and why.
/// </summary>
public sealed record UnreadableRun(string Path, string Reason);
