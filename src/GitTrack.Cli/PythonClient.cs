namespace GitTrack.Cli;

/// <summary>
/// The Python client that ships beside the gittrack executable (<c>python/gittrack.py</c>, a copy of
/// src/clients/python/gittrack.py): <c>gittrack run</c> appends its folder to the tracked command's PYTHONPATH, so that
/// <c>import gittrack</c> works under it with nothing installed (docs/protocol.md). <c>GITTRACK_PYTHONPATH=0</c> turns
/// that off.
/// </summary>
internal static class PythonClient
{
    /// <summary>The folder to append, or null when it is switched off or not beside this executable.</summary>
    public static string? Folder()
    {
        if (Environment.GetEnvironmentVariable("GITTRACK_PYTHONPATH") == "0")
            return null;
        var folder = Path.Combine(AppContext.BaseDirectory, "python");
        return File.Exists(Path.Combine(folder, "gittrack.py")) ? Path.GetFullPath(folder) : null;
    }
}
