namespace GitTrack.Core.Cache;

/// <summary>
/// What a <see cref="ArtifactSync"/> push or pull did: the remote, how many distinct objects the runs reference,
/// how many were transferred (and their stored bytes), and how many were already where they had to go.
/// </summary>
public sealed record SyncResult(string Remote, int Objects, int Transferred, long TransferredBytes, int AlreadyThere);
