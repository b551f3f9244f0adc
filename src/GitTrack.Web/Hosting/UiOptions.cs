using GitTrack.Core.Storage;

namespace GitTrack.Web.Hosting;

/// <summary>What <c>gittrack ui</c> serves and where: the repository, the address, and whether edits are allowed.</summary>
public sealed record UiOptions
{
    public required GitDirectories Directories { get; init; }
    /// <summary>The address to bind; loopback unless the user asked for another.</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; }
    /// <summary>Allow tag and note edits from the page (with the per-process token).</summary>
    public bool AllowEdits { get; init; }
}
