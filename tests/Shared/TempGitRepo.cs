using System.Diagnostics;

namespace GitTrack.Tests.Shared;

/// <summary>
/// A real git repository in a temporary folder, deleted on Dispose. Git runs with an isolated configuration
/// (no global or system config) and fixed dates, so commit ids are the same on every run.
/// </summary>
public sealed class TempGitRepo : IDisposable
{
    public string Root { get; }
    private readonly string _home;

    public TempGitRepo(bool withCommit = true)
    {
        _home = NewHome();
        Root = Path.Combine(_home, "repo");
        Directory.CreateDirectory(Root);
        Git("init", "-q");
        if (withCommit)
        {
            WriteFile("README.md", "# test project\n");
            Commit("initial commit");
        }
    }

    private TempGitRepo(string home, string root)
    {
        _home = home;
        Root = root;
    }

    private static string NewHome(string userName = "Test User")
    {
        var baseDir = Path.Combine(Path.GetTempPath(), "gittrack-tests");
        Directory.CreateDirectory(baseDir);
        var home = Path.Combine(baseDir, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, ".gitconfig"),
            $"[user]\n\tname = {userName}\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = false\n");
        return home;
    }

    /// <summary>
    /// A clone of <paramref name="source"/> (a path or URL, e.g. a bare remote from <see cref="CreateBareOrigin"/>) in a home
    /// of its own, with the same isolated configuration: another person's or machine's copy of the repository.
    /// </summary>
    public static TempGitRepo CloneOf(string source, string userName = "Test User", params string[] options)
    {
        var home = NewHome(userName);
        var clone = new TempGitRepo(home, Path.Combine(home, "repo"));
        var result = ProcessRunner.Run("git", ["clone", "-q", .. options, source, clone.Root], home, clone.Environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"git clone {source} failed ({result.ExitCode}): {result.Stderr}");
        return clone;
    }

    /// <summary>
    /// Makes a bare repository beside this one (deleted with it) holding this repository's branches, and adds it as
    /// remote <c>origin</c>; returns its path.
    /// </summary>
    public string CreateBareOrigin(params string[] configs)
    {
        var path = Path.Combine(_home, $"remote-{Guid.NewGuid():N}"[..19] + ".git");
        var result = ProcessRunner.Run("git", ["init", "-q", "--bare", path], _home, Environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"git init --bare failed: {result.Stderr}");
        foreach (var config in configs)
        {
            var parts = config.Split('=', 2);
            ProcessRunner.Run("git", ["--git-dir", path, "config", parts[0], parts[1]], _home, Environment);
        }
        Git("remote", "add", "origin", path);
        Git("push", "-q", "origin", "main");
        return path;
    }

    /// <summary>Environment every git and gittrack process in tests gets: isolated config, fixed dates.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = _home,
        ["GIT_CONFIG_GLOBAL"] = Path.Combine(_home, ".gitconfig"),
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z",
        ["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z",
        // No system metrics unless a test asks for them: a run slowed past the 10 s interval by a loaded machine would
        // otherwise record system/... metrics that tests counting a run's metrics do not expect.
        ["GITTRACK_SYSTEM_SECONDS"] = "0",
    };

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string WriteFile(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteFile(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
    }

    /// <summary>Runs git in the repository and returns its standard output; throws when git fails.</summary>
    public string Git(params string[] args)
    {
        var result = ProcessRunner.Run("git", args, Root, Environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(_home, "*", SearchOption.AllDirectories))
                File.SetAttributes(file, FileAttributes.Normal);
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A process a test started may still hold a file; the temp folder is cleaned by the OS later.
        }
    }
}

/// <summary>What a finished process printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a real process to completion, capturing its output.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (key, value) in environment)
                info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>True when <paramref name="tool"/> is on PATH.</summary>
    public static bool IsOnPath(string tool) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));
}
