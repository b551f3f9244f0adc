using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// What <c>gittrack run</c> starts before and around its command (each process costs start-up time, issue #19):
/// git through a wrapper that logs every call, and a Python whose installed headers state its version.
/// </summary>
public sealed class RunStartupTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly string _tools = Directory.CreateTempSubdirectory("gittrack-startup-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_tools, recursive: true);
    }

    private static string RealGit() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "git")).First(File.Exists);

    private static void Script(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void A_run_starts_four_git_processes_and_reads_the_python_version_without_starting_python()
    {
        var log = Path.Combine(_tools, "calls.log");
        var wrappers = Directory.CreateDirectory(Path.Combine(_tools, "wrappers")).FullName;
        Script(Path.Combine(wrappers, "git"), $"#!/bin/sh\necho \"git $1\" >> '{log}'\nexec '{RealGit()}' \"$@\"\n");
        // A Python prefix as installers lay it out: bin/python3 -> python3.11, include/python3.11/patchlevel.h.
        var bin = Directory.CreateDirectory(Path.Combine(_tools, "python", "bin")).FullName;
        Script(Path.Combine(bin, "python3.11"), $"#!/bin/sh\necho python >> '{log}'\necho 'Python 3.11.98'\n");
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), "python3.11");
        var include = Directory.CreateDirectory(Path.Combine(_tools, "python", "include", "python3.11")).FullName;
        File.WriteAllText(Path.Combine(include, "patchlevel.h"), "#define PY_VERSION              \"3.11.99\"\n");
        var path = $"{wrappers}:{bin}:{Environment.GetEnvironmentVariable("PATH")}";

        var result = GitTrackProcess.RunWith(_repo, new Dictionary<string, string> { ["PATH"] = path, ["PYENV_VERSION"] = "" }, "run", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var calls = File.ReadAllLines(log);
        // One config read for every setting, then the snapshot's ls-files, add and write-tree; no python3 --version.
        Assert.Equal(["git add", "git config", "git ls-files", "git write-tree"], calls.Order(StringComparer.Ordinal));
        var manifest = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo));
        Assert.Equal("3.11.99", manifest.GetProperty("runtimes").GetProperty("python").GetString());
        Assert.Equal("Test User <test@example.com>", _repo.Git("log", "-1", "--format=%an <%ae>", "gittrack/runs").Trim());
    }
}
