using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>Runs the real built <c>gittrack</c> (gittrack.dll beside the tests, under the same dotnet host).</summary>
public static class GitTrackProcess
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "gittrack.dll");

    public static ProcessResult Run(TempGitRepo repo, params string[] args) => RunIn(repo.Root, repo.Environment, args);

    public static ProcessResult RunIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dotnet = Environment.ProcessPath ?? "dotnet";
        if (!Path.GetFileNameWithoutExtension(dotnet).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            dotnet = "dotnet";
        return ProcessRunner.Run(dotnet, [DllPath, .. args], workingDirectory, environment);
    }
}
