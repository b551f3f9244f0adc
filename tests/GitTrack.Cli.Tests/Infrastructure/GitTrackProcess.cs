using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the real built <c>gittrack</c>: gittrack.dll beside the tests under the same dotnet host, or, when
/// GITTRACK_TEST_EXECUTABLE names one, that executable (CI runs these tests again against the native build).
/// </summary>
public static class GitTrackProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "gittrack.dll");

    /// <summary>The native gittrack under test, when GITTRACK_TEST_EXECUTABLE names one.</summary>
    public static string? Executable { get; } = Environment.GetEnvironmentVariable("GITTRACK_TEST_EXECUTABLE") is { Length: > 0 } path
        ? Path.GetFullPath(path) : null;

    public static ProcessResult Run(TempGitRepo repo, params string[] args) => RunIn(repo.Root, repo.Environment, args);

    /// <summary>The dotnet host that runs gittrack.dll.</summary>
    public static string Dotnet
    {
        get
        {
            var dotnet = Environment.ProcessPath ?? "dotnet";
            return Path.GetFileNameWithoutExtension(dotnet).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? dotnet : "dotnet";
        }
    }

    /// <summary>The argv that starts gittrack (for a tracked command that runs gittrack itself).</summary>
    public static string[] CommandLine => Executable is { } native ? [native] : [Dotnet, DllPath];

    public static ProcessResult RunIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ProcessRunner.Run(CommandLine[0], [.. CommandLine[1..], .. args], workingDirectory, environment);

    /// <summary>Runs gittrack with extra environment variables (added to the repository's isolated ones).</summary>
    public static ProcessResult RunWith(TempGitRepo repo, IReadOnlyDictionary<string, string> extra, params string[] args) =>
        RunIn(repo.Root, Merge(repo.Environment, extra), args);

    /// <summary>
    /// Starts gittrack without waiting, so a test can signal or kill it while it runs; with the default action for
    /// the signals tests send, however the test run itself was started (<see cref="DefaultSignals"/>).
    /// </summary>
    public static BackgroundProcess Start(TempGitRepo repo, IReadOnlyDictionary<string, string>? extra, params string[] args)
    {
        var command = DefaultSignals.For([.. CommandLine, .. args]);
        return BackgroundProcess.Start(command[0], command[1..], repo.Root, Merge(repo.Environment, extra ?? new Dictionary<string, string>()));
    }

    public static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(first);
        foreach (var (key, value) in second)
            merged[key] = value;
        return merged;
    }
}
