namespace GitTrack.Core.Errors;

/// <summary>
/// The machine refused what GitTrack had to do: a folder it cannot write (permissions, a read-only file system),
/// a full disk, or git failing for a reason of its own. Not the user's input and not damaged data; the message says
/// which file or command, the hint what to free or fix. Made by <see cref="GitErrors.Translate"/>.
/// </summary>
public sealed class IOFaultException(IOFault kind, string message, string? hint = null, Exception? inner = null)
    : GitTrackException(message, hint, inner)
{
    /// <summary>What kind of fault it is, for a caller that answers each differently (the web API's status codes).</summary>
    public IOFault Kind { get; } = kind;
}

/// <summary>The kinds of <see cref="IOFaultException"/>.</summary>
public enum IOFault
{
    /// <summary>git or the file system failed for another reason (its message is given).</summary>
    Other = 0,
    /// <summary>Permission denied, or a read-only file system.</summary>
    NotWritable = 1,
    /// <summary>No space left on the device, or a disk quota reached.</summary>
    DiskFull = 2,
}
