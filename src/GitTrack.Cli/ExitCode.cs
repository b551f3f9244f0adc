namespace GitTrack.Cli;

/// <summary>gittrack's exit codes, documented in README.md. Values are explicit so adding one renumbers nothing.</summary>
public enum ExitCode
{
    /// <summary>Everything worked.</summary>
    Ok = 0,
    /// <summary>The tracked command failed, or a check (such as cache verify) found a problem.</summary>
    Failed = 1,
    /// <summary>Usage or input error: bad arguments, not in a repository, unknown name or key.</summary>
    Usage = 2,
    /// <summary>The tracked command could not be started (as a shell reports).</summary>
    CommandNotFound = 127,
    /// <summary>Interrupted by Ctrl-C before anything could finish.</summary>
    Interrupted = 130,
}
