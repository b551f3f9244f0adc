namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Resolves a pyenv shim to the interpreter it would run, the way pyenv itself chooses: <c>PYENV_VERSION</c>, else the
/// nearest <c>.python-version</c> file from the working folder up, else <c>$PYENV_ROOT/version</c>. Asking the shim
/// (<c>python3 --version</c>) starts a dozen bash scripts and costs 50 to 100 ms on every run; the interpreter itself
/// answers in a few. Anything unusual (a virtualenv name, <c>system</c>, a missing version) returns null and the
/// caller asks the shim as before, so the recorded version is never a guess.
/// </summary>
internal static class PyenvResolver
{
    /// <summary>The real interpreter behind <paramref name="program"/> when it is a pyenv shim, else null.</summary>
    public static string? ResolveShim(string program, string workingDirectory) =>
        ResolveShim(program, workingDirectory, Environment.GetEnvironmentVariable("PATH"), Environment.GetEnvironmentVariable("PYENV_VERSION"));

    /// <summary>As above, with the PATH and PYENV_VERSION values given (tests pass their own).</summary>
    public static string? ResolveShim(string program, string workingDirectory, string? pathVariable, string? pyenvVersion)
    {
        var found = ExecutableLookup.Find(program, pathVariable, workingDirectory);
        if (found is null || Path.GetFileName(Path.GetDirectoryName(found)) != "shims")
            return null;
        var root = Path.GetDirectoryName(Path.GetDirectoryName(found))!;
        if (!Directory.Exists(Path.Combine(root, "versions")))
            return null;
        var name = VersionName(root, workingDirectory, pyenvVersion);
        if (name is null || name == "system" || name.Contains('/') || name.Contains(".."))
            return null;
        var interpreter = Path.Combine(root, "versions", name, "bin", program);
        return File.Exists(interpreter) ? interpreter : null;
    }

    private static string? VersionName(string root, string workingDirectory, string? pyenvVersion)
    {
        if (!string.IsNullOrWhiteSpace(pyenvVersion))
            return FirstVersion(pyenvVersion.Replace(':', ' '));
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".python-version");
            if (File.Exists(file))
                return FirstVersion(File.ReadAllText(file));
        }
        var global = Path.Combine(root, "version");
        return File.Exists(global) ? FirstVersion(File.ReadAllText(global)) : null;
    }

    private static string? FirstVersion(string text) =>
        text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => !t.StartsWith('#'));
}
