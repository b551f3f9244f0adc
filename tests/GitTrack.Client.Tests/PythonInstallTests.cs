using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Client.Tests;

/// <summary>
/// How the Python client reaches a training script: the wheel the build makes (py.typed, standard library only) pip
/// installed into a fresh virtual environment by the machine's python3, and, with nothing installed, the copy that
/// ships beside gittrack, which <c>gittrack run</c> appends to the command's PYTHONPATH (docs/protocol.md).
/// CI runs these with the oldest and the newest Python it finds first on PATH.
/// </summary>
public sealed class PythonInstallTests
{
    private static string ClientFolder => Path.Combine(ClientFixture.SourceRoot, "src", "clients", "python");

    private static void SkipWithoutPython() => Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");

    /// <summary>The wheel, built by the client's build backend as pip would, into <paramref name="folder"/>.</summary>
    private static string BuildWheel(TempGitRepo repo, string folder)
    {
        var build = ProcessRunner.Run("python3", [Path.Combine(ClientFolder, "gittrack_build.py"), folder], repo.Root, ClientFixture.Environment(repo));
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        var wheel = build.Stdout.Trim();
        Assert.EndsWith("-py3-none-any.whl", wheel);
        return wheel;
    }

    [SkippableFact]
    public void The_wheel_pip_installs_into_a_fresh_venv_and_records_metrics_from_it()
    {
        SkipWithoutPython();
        using var repo = new TempGitRepo();
        var wheel = BuildWheel(repo, repo.PathOf("dist"));

        var venv = Path.Combine(Path.GetTempPath(), $"gittrack-venv-{Guid.NewGuid():N}");
        try
        {
            var create = ProcessRunner.Run("python3", ["-m", "venv", venv], repo.Root, ClientFixture.Environment(repo), timeout: TimeSpan.FromMinutes(3));
            Requirement.That(create.ExitCode == 0 || !create.Stdout.Contains("ensurepip", StringComparison.Ordinal),
                "this python3 has no venv module (Debian: apt-get install python3-venv)");
            Assert.True(create.ExitCode == 0, create.Stdout + create.Stderr);
            var python = Path.Combine(venv, "bin", "python");
            var install = ProcessRunner.Run(python, ["-m", "pip", "install", "--no-index", "--quiet", wheel],
                repo.Root, ClientFixture.Environment(repo), timeout: TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

            // Installed as the package gittrack/ with its PEP 561 marker, in the venv's site-packages.
            var probe = ProcessRunner.Run(python, ["-c", """
                import gittrack, os, sys
                folder = os.path.dirname(gittrack.__file__)
                print(gittrack.__version__, folder.startswith(sys.prefix), os.path.exists(os.path.join(folder, "py.typed")))
                """], repo.Root, ClientFixture.Environment(repo));
            Assert.True(probe.ExitCode == 0, probe.Stderr);
            Assert.Equal("0.1.0 True True", probe.Stdout.Trim());

            // Under gittrack run, with the shipped copy switched off, the venv's client records the metric.
            repo.WriteFile("train.py", "import gittrack\nfor step in range(3):\n    gittrack.log_metric('loss', 1.0 / (step + 1), step=step)\n");
            var env = ClientFixture.Environment(repo);
            env["GITTRACK_PYTHONPATH"] = "0";
            var run = GitTrackProcess.RunIn(repo.Root, env, "run", "--", python, "train.py");
            Assert.True(run.ExitCode == 0, run.Stderr);
            var (recorded, history) = ClientFixture.SingleRun(repo);
            Assert.Equal(RunStatus.Completed, recorded.Status);
            Assert.Equal(3, history.Count(p => p.Name == "loss"));
        }
        finally
        {
            if (Directory.Exists(venv))
                Directory.Delete(venv, recursive: true);
        }
    }

    [SkippableFact]
    public void The_wheel_holds_only_the_client_its_marker_and_metadata()
    {
        SkipWithoutPython();
        using var repo = new TempGitRepo();
        var wheel = BuildWheel(repo, repo.PathOf("dist"));
        using var zip = System.IO.Compression.ZipFile.OpenRead(wheel);
        var names = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["gittrack-0.1.0.dist-info/METADATA", "gittrack-0.1.0.dist-info/RECORD", "gittrack-0.1.0.dist-info/WHEEL",
            "gittrack/__init__.py", "gittrack/py.typed"], names);
        using var metadata = new StreamReader(zip.GetEntry("gittrack-0.1.0.dist-info/METADATA")!.Open());
        var text = metadata.ReadToEnd();
        Assert.Contains("Requires-Python: >=3.8", text);
        Assert.DoesNotContain("Requires-Dist", text); // standard library only
        Assert.Equal(File.ReadAllText(Path.Combine(ClientFolder, "gittrack.py")),
            new StreamReader(zip.GetEntry("gittrack/__init__.py")!.Open()).ReadToEnd());
    }

    private const string ImportingScript = """
        import os, sys
        import gittrack
        gittrack.log_metric("loss", 0.5, step=1)
        print("client:", os.path.realpath(gittrack.__file__))
        print("PYTHONPATH:", os.environ.get("PYTHONPATH", ""))
        """;

    [SkippableFact]
    public void Under_gittrack_run_import_gittrack_works_with_nothing_installed()
    {
        SkipWithoutPython();
        using var repo = new TempGitRepo();
        repo.WriteFile("train.py", ImportingScript);
        var env = ClientFixture.Environment(repo);
        env["PYTHONPATH"] = "";
        var run = GitTrackProcess.RunIn(repo.Root, env, "run", "--", "python3", "train.py");
        Assert.True(run.ExitCode == 0, run.Stderr);

        // The copy beside the gittrack under test (the installed tool's, in CI's second pass).
        var shipped = Path.GetFullPath(Path.Combine(ShippedFolder(), "gittrack.py"));
        Assert.Contains("client: " + ResolveLinks(shipped), run.Stdout);
        var (recorded, history) = ClientFixture.SingleRun(repo);
        Assert.Single(history, p => p.Name == "loss");
        // Given, like GITTRACK_EVENTS, not recorded as part of the user's environment.
        Assert.False(recorded.Environment.TryGetValue("PYTHONPATH", out var recordedPath) && recordedPath.Contains(ShippedFolder(), StringComparison.Ordinal),
            recordedPath);
    }

    [SkippableFact]
    public void The_users_PYTHONPATH_comes_first_and_is_kept()
    {
        SkipWithoutPython();
        using var repo = new TempGitRepo();
        var mine = repo.PathOf("mine");
        Directory.CreateDirectory(mine);
        // A module of the user's that shadows the client: PYTHONPATH entries are searched in order.
        File.WriteAllText(Path.Combine(mine, "gittrack.py"), "def log_metric(*args, **kwargs):\n    print('the user\\'s own gittrack')\n");
        repo.WriteFile("train.py", ImportingScript);
        var env = ClientFixture.Environment(repo);
        env["PYTHONPATH"] = mine;
        var run = GitTrackProcess.RunIn(repo.Root, env, "run", "--", "python3", "train.py");
        Assert.True(run.ExitCode == 0, run.Stderr);

        Assert.Contains("the user's own gittrack", run.Stdout);
        Assert.Contains($"PYTHONPATH: {mine}{Path.PathSeparator}{ShippedFolder()}\n", run.Stdout);
        var (recorded, _) = ClientFixture.SingleRun(repo);
        Assert.Equal(mine, recorded.Environment["PYTHONPATH"]);
    }

    [SkippableFact]
    public void GITTRACK_PYTHONPATH_0_leaves_PYTHONPATH_alone()
    {
        SkipWithoutPython();
        using var repo = new TempGitRepo();
        repo.WriteFile("train.py", "import os\nprint('PYTHONPATH=[%s]' % os.environ.get('PYTHONPATH', ''))\nimport gittrack\n");
        var env = ClientFixture.Environment(repo);
        env["PYTHONPATH"] = "";
        env["GITTRACK_PYTHONPATH"] = "0";
        var run = GitTrackProcess.RunIn(repo.Root, env, "run", "--", "python3", "train.py");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("PYTHONPATH=[]", run.Stdout);
        Assert.Contains("No module named 'gittrack'", run.Stderr);
    }

    /// <summary>The python/ folder beside the gittrack under test.</summary>
    private static string ShippedFolder()
    {
        var executable = GitTrackProcess.Executable is { } native ? ResolveLinks(native) : GitTrackProcess.DllPath;
        return Path.Combine(Path.GetDirectoryName(executable)!, "python");
    }

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
