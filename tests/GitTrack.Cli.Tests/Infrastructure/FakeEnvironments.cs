using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// Real environments for the packages tests, made beside a test repository (outside its work tree): a Python
/// virtualenv made by <c>python3 -m venv</c> with distributions added as <c>*.dist-info</c> folders (what pip leaves
/// behind), a conda-like prefix with <c>conda-meta/*.json</c> records, and a .NET project folder with its
/// <c>obj/project.assets.json</c>.
/// </summary>
public static class FakeEnvironments
{
    /// <summary>An empty variable for each setting that would make the packages found depend on the test machine.</summary>
    public static readonly IReadOnlyDictionary<string, string> Neutral = new Dictionary<string, string>
    {
        ["VIRTUAL_ENV"] = "",
        ["CONDA_PREFIX"] = "",
        ["CUDA_HOME"] = "/nonexistent-cuda",
    };

    /// <summary>A virtualenv (without pip, to be quick) at <paramref name="folder"/>; returns its site-packages folder.</summary>
    public static string Venv(string folder)
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        var made = ProcessRunner.Run("python3", ["-m", "venv", "--without-pip", folder], Path.GetDirectoryName(folder)!);
        Requirement.That(made.ExitCode == 0, $"python3 -m venv failed (install python3-venv): {made.Stderr}");
        var lib = Directory.GetDirectories(Path.Combine(folder, "lib"), "python3*").Single();
        var site = Path.Combine(lib, "site-packages");
        Directory.CreateDirectory(site);
        return site;
    }

    /// <summary>Installs a distribution as pip would leave its metadata: <c>NAME-VERSION.dist-info/METADATA</c>.</summary>
    public static void Distribution(string site, string name, string version)
    {
        foreach (var old in Directory.GetDirectories(site, name.Replace('-', '_') + "-*.dist-info"))
            Directory.Delete(old, recursive: true);
        var info = Path.Combine(site, $"{name.Replace('-', '_')}-{version}.dist-info");
        Directory.CreateDirectory(info);
        File.WriteAllText(Path.Combine(info, "METADATA"),
            $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: a test package\n\nLong description: Version: 0.0 is not a header here.\n");
    }

    /// <summary>A conda-like environment: <c>conda-meta/NAME-VERSION-BUILD.json</c> per package, as conda writes them.</summary>
    public static string Conda(string prefix, params (string Name, string Version)[] packages)
    {
        var meta = Path.Combine(prefix, "conda-meta");
        Directory.CreateDirectory(meta);
        File.WriteAllText(Path.Combine(meta, "history"), "==> 2026-01-01 00:00:00 <==\n");
        foreach (var (name, version) in packages)
            File.WriteAllText(Path.Combine(meta, $"{name}-{version}-h0_0.json"),
                $$$"""{"build": "h0_0", "build_number": 0, "channel": "https://conda.anaconda.org/conda-forge/linux-64", "depends": ["python >=3.9"], "files": ["lib/{{{name}}}.so"], "name": "{{{name}}}", "version": "{{{version}}}", "paths_data": {"paths": [{"_path": "lib/{{{name}}}.so", "size_in_bytes": 10}]}}""");
        return prefix;
    }

    /// <summary>A .NET project folder with the assets file <c>dotnet restore</c> writes (its libraries section: packages and a project reference).</summary>
    public static string DotnetProject(string folder, params (string Name, string Version)[] packages)
    {
        Directory.CreateDirectory(Path.Combine(folder, "obj"));
        File.WriteAllText(Path.Combine(folder, "app.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n");
        var libraries = string.Join(",\n", packages.Select(p =>
            $$"""    "{{p.Name}}/{{p.Version}}": { "sha512": "abc==", "type": "package", "path": "{{p.Name.ToLowerInvariant()}}/{{p.Version}}", "files": ["lib/net8.0/{{p.Name}}.dll"] }"""));
        File.WriteAllText(Path.Combine(folder, "obj", "project.assets.json"), $$"""
            {
              "version": 3,
              "targets": { "net10.0": { "{{packages[0].Name}}/{{packages[0].Version}}": { "type": "package" } } },
              "libraries": {
            {{libraries}},
                "Shared/1.0.0": { "type": "project", "path": "../Shared/Shared.csproj", "msbuildProject": "../Shared/Shared.csproj" }
              },
              "project": { "version": "1.0.0", "restore": { "projectName": "app" } }
            }
            """);
        return folder;
    }
}
