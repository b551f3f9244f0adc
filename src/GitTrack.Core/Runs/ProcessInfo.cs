namespace GitTrack.Core.Runs;

/// <summary>
/// Which process records a running run (pid, host, boot id): a later command that finds the run still
/// <c>running</c> while that process is gone shows it as crashed.
/// </summary>
public sealed record ProcessInfo(int Pid, string Host, string? BootId);
