namespace GitTrack.Core.Errors;

/// <summary>
/// The disk or git refused an operation that was otherwise valid: no space left, no permission, a read-only file
/// system, a lock held by another git process that never let go. Nothing was half-written; trying again once the
/// cause is fixed is safe.
/// </summary>
public sealed class StorageFaultException(string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner);
