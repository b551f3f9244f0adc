namespace GitTrack.Core.Models;

/// <summary>An entry under <c>models/</c> on the branch that was left out, with why (shown as a warning).</summary>
public sealed record SkippedEntry(string Path, string Reason);
