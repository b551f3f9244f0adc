namespace GitTrack.Core.Errors;

/// <summary>
/// The artifacts remote could not be reached or refused a request (no credentials, access denied, no such bucket, a
/// network failure). The message names the remote and what failed, never a credential.
/// </summary>
public sealed class RemoteStoreException(string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner);
