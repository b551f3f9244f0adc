using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// The runtime versions a run records: <c>dotnet</c> (the runtime gittrack runs on, no process started),
/// <c>python</c> (what <c>python3 --version</c> would print, read from the interpreter's files when they say it
/// (<see cref="PythonVersionFiles"/>), else asked; else <c>python --version</c>, as found on PATH) and <c>gittrack</c>.
/// Start it before the child and await it after; a probe that fails or times out is left out.
/// </summary>
public static partial class RuntimeProbe
{
    public static async Task<SortedDictionary<string, string>> CaptureAsync(string? gittrackVersion, TimeSpan? timeout = null, CancellationToken cancellationToken = default, string? workingDirectory = null)
    {
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["dotnet"] = Environment.Version.ToString(),
        };
        if (!string.IsNullOrEmpty(gittrackVersion))
            versions["gittrack"] = gittrackVersion;
        var limit = timeout ?? ExternalProbe.DefaultTimeout;
        // A pyenv shim is asked through the interpreter it resolves to: the same answer, without a dozen bash scripts.
        var python3 = PyenvResolver.ResolveShim("python3", workingDirectory ?? Environment.CurrentDirectory) ?? "python3";
        // The version its installed files state, when they state it surely: no process at all.
        var found = ExecutableLookup.Find(python3, Environment.GetEnvironmentVariable("PATH"), Environment.CurrentDirectory);
        var python = (found is null ? null : PythonVersionFiles.Read(found))
            ?? ParsePythonVersion(await ExternalProbe.RunAsync(python3, ["--version"], limit, cancellationToken).ConfigureAwait(false))
            ?? ParsePythonVersion(await ExternalProbe.RunAsync("python", ["--version"], limit, cancellationToken).ConfigureAwait(false));
        if (python is not null)
            versions["python"] = python;
        return versions;
    }

    /// <summary>The version in <c>Python 3.11.2</c> (also <c>Python 3.13.0rc1</c>), or null.</summary>
    public static string? ParsePythonVersion(string? output) =>
        output is not null && PythonVersion().Match(output) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^Python (\d+\.\d+(?:\.\d+)?\S*)", RegexOptions.Multiline)]
    private static partial Regex PythonVersion();
}
