namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Finds the program a command names, as a shell would: a name with a slash is a path (relative to the working
/// directory), any other name is looked up in PATH. Unlike .NET's own lookup, never the current directory or
/// gittrack's own folder.
/// </summary>
internal static class ExecutableLookup
{
    /// <summary>The full path of <paramref name="command"/>, or null when there is no such executable file.</summary>
    public static string? Find(string command, string? pathVariable, string workingDirectory)
    {
        if (command.Length == 0)
            return null;
        if (command.Contains('/'))
        {
            var full = Path.GetFullPath(command, workingDirectory);
            return IsExecutableFile(full) ? full : null;
        }
        foreach (var folder in (pathVariable ?? "").Split(':'))
        {
            // An empty PATH entry means the current directory, as in POSIX shells.
            var candidate = Path.Combine(folder.Length == 0 ? workingDirectory : Path.GetFullPath(folder, workingDirectory), command);
            if (IsExecutableFile(candidate))
                return candidate;
        }
        return null;
    }

    public static bool IsExecutableFile(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            if (OperatingSystem.IsWindows())
                return true;
            var mode = File.GetUnixFileMode(path);
            return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
