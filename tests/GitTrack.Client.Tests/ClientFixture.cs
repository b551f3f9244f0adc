using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Client.Tests;

/// <summary>Runs the probe program (tests/ClientProbe) and python3 tracked by the real gittrack, and reads back what was recorded.</summary>
internal static class ClientFixture
{
    public static string ProbeDll => Path.Combine(AppContext.BaseDirectory, "ClientProbe.dll");

    public static string Dotnet
    {
        get
        {
            var path = System.Environment.ProcessPath ?? "dotnet";
            return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? path : "dotnet";
        }
    }

    /// <summary>The repository's root (where GitTrack.sln is), found upward from the test binaries.</summary>
    public static string SourceRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("GitTrack.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The repository's environment, with any GITTRACK_* variables of the test process itself blanked.</summary>
    public static Dictionary<string, string> Environment(TempGitRepo repo) => new(repo.Environment)
    {
        ["GITTRACK_RUN_ID"] = "",
        ["GITTRACK_EVENTS"] = "",
        ["GITTRACK_PARAMS"] = "",
    };

    /// <summary><c>gittrack run [gittrackArgs] -- dotnet ClientProbe.dll probeArgs</c> in <paramref name="repo"/>.</summary>
    public static ProcessResult RunProbeTracked(TempGitRepo repo, string[] gittrackArgs, params string[] probeArgs) =>
        GitTrackProcess.RunIn(repo.Root, Environment(repo), ["run", .. gittrackArgs, "--", Dotnet, ProbeDll, .. probeArgs]);

    /// <summary><c>gittrack run [gittrackArgs] -- command</c> in <paramref name="repo"/>.</summary>
    public static ProcessResult RunTracked(TempGitRepo repo, string[] gittrackArgs, params string[] command) =>
        GitTrackProcess.RunIn(repo.Root, Environment(repo), ["run", .. gittrackArgs, "--", .. command]);

    /// <summary>The probe on its own (no gittrack run).</summary>
    public static ProcessResult RunProbe(TempGitRepo repo, params string[] probeArgs) =>
        ProcessRunner.Run(Dotnet, [ProbeDll, .. probeArgs], repo.Root, Environment(repo));

    public static RunStore OpenStore(TempGitRepo repo) => RunStore.Open(GitDirectories.Discover(repo.Root));

    /// <summary>The only run recorded in <paramref name="repo"/>, and its metric history.</summary>
    public static (RunRecord Run, IReadOnlyList<MetricPoint> History) SingleRun(TempGitRepo repo)
    {
        using var store = OpenStore(repo);
        var summary = Assert.Single(store.List());
        return (store.Get(summary.Id), store.ReadHistory(summary.Id));
    }
}
