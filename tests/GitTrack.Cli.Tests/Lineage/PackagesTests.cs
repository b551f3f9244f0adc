using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Hashing;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Lineage;

/// <summary>
/// The packages a run records (docs/format.md "Environments"), through the real process with a real virtualenv, a
/// conda-like prefix and a .NET project folder: stored once per distinct environment, shown, diffed, and written
/// back as requirements.txt or environment.yml.
/// </summary>
public sealed class PackagesTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly string _outside;

    public PackagesTests()
    {
        _outside = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "envs");
        Directory.CreateDirectory(_outside);
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gt(params string[] args) => GitTrackProcess.RunWith(_repo, FakeEnvironments.Neutral, args);

    private ProcessResult GtWith(IReadOnlyDictionary<string, string> extra, params string[] args) =>
        GitTrackProcess.RunWith(_repo, GitTrackProcess.Merge(FakeEnvironments.Neutral, extra), args);

    private string[] EnvironmentFiles() =>
        [.. _repo.Git("ls-tree", "-r", "--name-only", RunsOnBranch.Branch, "environments/").Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    [Fact]
    public void A_virtualenvs_distributions_are_recorded_once_however_many_runs_use_it()
    {
        var venv = Path.Combine(_outside, "venv");
        var site = FakeEnvironments.Venv(venv);
        FakeEnvironments.Distribution(site, "numpy", "1.26.4");
        FakeEnvironments.Distribution(site, "Torch-Vision", "0.17.0");
        var python = Path.Combine(venv, "bin", "python");

        var first = Gt("run", "--", python, "-c", "pass");
        var second = Gt("run", "--", python, "-c", "pass");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var file = Assert.Single(EnvironmentFiles());
        var ids = RunsOnBranch.Ids(_repo);
        var keys = ids.Select(id => RunsOnBranch.Manifest(_repo, id).GetProperty("environment").GetProperty("packages").GetString()).Distinct().ToArray();
        var key = Assert.Single(keys)!;
        Assert.Equal($"environments/{key[..2]}/{key}.toml", file);
        // The file is named by the BLAKE3 of its bytes, and it is in the run's first commit ("started").
        var bytes = System.Text.Encoding.UTF8.GetBytes(_repo.Git("cat-file", "-p", $"{RunsOnBranch.Branch}:{file}"));
        Assert.Equal(key, Blake3Hasher.Hash(bytes).ToString());
        var added = _repo.Git("log", "--first-parent", "-m", "--format=%s", "--diff-filter=A", RunsOnBranch.Branch, "--", file).Trim();
        Assert.EndsWith(": started", added);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains("manager = \"pip\"\nname = \"numpy\"\nversion = \"1.26.4\"", text);
        Assert.Contains("name = \"Torch-Vision\"\nversion = \"0.17.0\"", text);
        var environment = RunsOnBranch.Manifest(_repo, ids[0]).GetProperty("environment");
        Assert.Equal(2, environment.GetProperty("count").GetInt32());
        Assert.Contains(environment.GetProperty("sources").EnumerateArray(), s => s.GetString() == "python " + site);
    }

    [Fact]
    public void Diff_and_show_say_which_package_versions_changed_and_env_writes_requirements()
    {
        var venv = Path.Combine(_outside, "venv");
        var site = FakeEnvironments.Venv(venv);
        FakeEnvironments.Distribution(site, "numpy", "1.26.4");
        FakeEnvironments.Distribution(site, "pandas", "2.2.0");
        var python = Path.Combine(venv, "bin", "python");
        Assert.Equal(0, Gt("run", "-n", "before", "--", python, "-c", "pass").ExitCode);
        FakeEnvironments.Distribution(site, "numpy", "2.0.1");
        FakeEnvironments.Distribution(site, "scipy", "1.13.0");
        Directory.Delete(Directory.GetDirectories(site, "pandas-*").Single(), recursive: true);
        Assert.Equal(0, Gt("run", "-n", "after", "--", python, "-c", "pass").ExitCode);

        var diff = Gt("diff", "before", "after");
        var show = Gt("show", "after");
        var json = Gt("diff", "before", "after", "--json");
        var requirements = Gt("env", "before", "--format", "requirements");

        Assert.True(diff.ExitCode == 0, diff.Stderr);
        Assert.Contains("packages", diff.Stdout);
        Assert.Contains("~ pip numpy   1.26.4 -> 2.0.1", diff.Stdout);
        Assert.Contains("- pip pandas  2.2.0", diff.Stdout);
        Assert.Contains("+ pip scipy   1.13.0", diff.Stdout);
        Assert.Contains("2 packages (pip 2)", show.Stdout);
        Assert.Contains("3 changed since the previous run here, before", show.Stdout);
        Assert.Contains("~ pip numpy 1.26.4 -> 2.0.1", show.Stdout);
        var packages = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("packages").EnumerateArray().ToList();
        Assert.Contains(packages, p => p.GetProperty("name").GetString() == "numpy" && p.GetProperty("change").GetString() == "changed"
            && p.GetProperty("a").GetString() == "1.26.4" && p.GetProperty("b").GetString() == "2.0.1");
        Assert.True(requirements.ExitCode == 0, requirements.Stderr);
        Assert.Contains("\nnumpy==1.26.4\npandas==2.2.0\n", requirements.Stdout);
    }

    [Fact]
    public void A_conda_environments_records_are_read_and_env_writes_an_environment_yml()
    {
        var prefix = FakeEnvironments.Conda(Path.Combine(_outside, "conda"), ("numpy", "1.26.4"), ("python", "3.11.8"), ("libblas", "3.9.0"));

        var result = GtWith(new Dictionary<string, string> { ["CONDA_PREFIX"] = prefix }, "run", "--", "true");
        var yml = Gt("env", "run_001", "--format", "conda", "-o", "environment.yml");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var environment = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("environment");
        Assert.Equal(3, environment.GetProperty("count").GetInt32());
        Assert.Equal("conda " + prefix, Assert.Single(environment.GetProperty("sources").EnumerateArray()).GetString());
        Assert.True(yml.ExitCode == 0, yml.Stderr);
        var written = File.ReadAllText(_repo.PathOf("environment.yml"));
        Assert.Contains("name: run_001\ndependencies:\n  - libblas=3.9.0\n  - numpy=1.26.4\n  - python=3.11.8\n", written);
    }

    [Fact]
    public void A_dotnet_projects_resolved_packages_are_read_from_its_assets_file()
    {
        Requirement.That(ProcessRunner.IsOnPath("dotnet"), "dotnet is not installed");
        var project = FakeEnvironments.DotnetProject(_repo.PathOf("app"), ("Newtonsoft.Json", "13.0.3"), ("Serilog", "4.0.0"));

        // dotnet in the project's folder: 'dotnet run' would build it; any dotnet command there reads the same project.
        var result = GitTrackProcess.RunIn(project, GitTrackProcess.Merge(_repo.Environment, FakeEnvironments.Neutral), "run", "--", "dotnet", "--version");
        var list = Gt("env", "run_001");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var environment = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("environment");
        Assert.Contains(environment.GetProperty("sources").EnumerateArray(), s => s.GetString() == "nuget " + Path.Combine(project, "obj", "project.assets.json"));
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("nuget Newtonsoft.Json 13.0.3\n", list.Stdout);
        Assert.Contains("nuget Serilog 4.0.0\n", list.Stdout);
        Assert.DoesNotContain("Shared", list.Stdout); // a project reference is not a package
    }

    [Fact]
    public void Lock_files_in_the_work_tree_are_named_in_the_record()
    {
        _repo.WriteFile("requirements.txt", "numpy==1.26.4\n");
        _repo.WriteFile("train/uv.lock", "version = 1\n");

        var result = GitTrackProcess.RunIn(_repo.PathOf("train"), GitTrackProcess.Merge(_repo.Environment, FakeEnvironments.Neutral), "run", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var locks = RunsOnBranch.Manifest(_repo, RunsOnBranch.SingleId(_repo)).GetProperty("environment").GetProperty("lock_files")
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["train/uv.lock", "requirements.txt"], locks);
    }

    [Fact]
    public void Env_of_a_run_without_packages_says_so()
    {
        Assert.Equal(0, Gt("run", "--", "true").ExitCode);

        var result = Gt("env", "run_001");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("recorded no packages", result.Stderr);
    }
}
