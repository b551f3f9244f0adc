using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Artifacts;

/// <summary>
/// Clone A, where runs are recorded, and clone B, which gets A's code and runs branch through git (a fetch of the
/// runs branch: <c>gittrack pull</c> is not there yet) and A's artifacts only through the artifacts remote. Both run
/// gittrack with <see cref="Environment"/> (the remote's credentials and endpoint) on top of their isolated git config.
/// </summary>
public sealed class TwoClones : IDisposable
{
    public TwoClones(string remoteUrl, IReadOnlyDictionary<string, string> environment)
    {
        Environment = environment;
        A = new TempGitRepo();
        A.Git("config", "gittrack.artifacts", remoteUrl);
        B = new TempGitRepo(withCommit: false);
        B.Git("remote", "add", "origin", A.Root);
        B.Git("config", "gittrack.artifacts", remoteUrl);
    }

    public TempGitRepo A { get; }
    public TempGitRepo B { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }

    public ProcessResult Run(TempGitRepo repo, params string[] args) => GitTrackProcess.RunWith(repo, Environment, args);

    /// <summary>Runs gittrack and fails the test unless it exits 0; returns what it printed.</summary>
    public ProcessResult Ok(TempGitRepo repo, params string[] args)
    {
        var result = Run(repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result;
    }

    /// <summary>Records a run in A with the given files (written first) as artifacts; returns the run's name.</summary>
    public string Record(string name, params (string Path, byte[] Content)[] artifacts)
    {
        var args = new List<string> { "run", "-n", name };
        foreach (var (path, content) in artifacts)
        {
            A.WriteFile(path, content);
            args.AddRange(["-a", path]);
        }
        args.AddRange(["--", "sh", "-c", $"echo training {name}"]);
        Ok(A, [.. args]);
        return name;
    }

    /// <summary>Brings A's commits and runs branch to B with git alone.</summary>
    public void FetchIntoB()
    {
        B.Git("fetch", "-q", "origin");
        B.Git("checkout", "-q", "-B", "main", "origin/main");
        B.Git("branch", "-f", "gittrack/runs", "origin/gittrack/runs");
    }

    /// <summary>The cache key of the artifact at <paramref name="path"/> in A's run, as <c>show --json</c> gives it.</summary>
    public string KeyOf(string run, string path)
    {
        var json = System.Text.Json.JsonDocument.Parse(Ok(A, "show", run, "--json").Stdout);
        foreach (var artifact in json.RootElement.GetProperty("artifacts").EnumerateArray())
            if (artifact.GetProperty("path").GetString() == path)
                return artifact.GetProperty("blake3").GetString()!;
        throw new InvalidOperationException($"{run} has no artifact {path}");
    }

    public static string ObjectPath(TempGitRepo repo, string key) => Path.Combine(repo.Root, ".git", "gittrack", "objects", key[..2], key[2..]);

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
