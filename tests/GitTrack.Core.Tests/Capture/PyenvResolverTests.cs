using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

/// <summary>A pyenv layout built on disk: shims resolve to the interpreter pyenv itself would pick.</summary>
public sealed class PyenvResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gittrack-pyenv-").FullName;
    private string Shims => Path.Combine(_root, "shims");

    public PyenvResolverTests()
    {
        Executable(Path.Combine(_root, "shims", "python3"));
        Executable(Path.Combine(_root, "versions", "3.11.7", "bin", "python3"));
        Executable(Path.Combine(_root, "versions", "3.12.1", "bin", "python3"));
        File.WriteAllText(Path.Combine(_root, "version"), "3.11.7\n");
    }

    private static void Executable(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void The_global_version_file_picks_the_interpreter()
    {
        Assert.Equal(Path.Combine(_root, "versions", "3.11.7", "bin", "python3"), PyenvResolver.ResolveShim("python3", _root, Shims, null));
    }

    [Fact]
    public void A_python_version_file_above_the_working_folder_wins_over_the_global_one()
    {
        var project = Directory.CreateDirectory(Path.Combine(_root, "project", "src")).FullName;
        File.WriteAllText(Path.Combine(_root, "project", ".python-version"), "3.12.1\n");
        Assert.Equal(Path.Combine(_root, "versions", "3.12.1", "bin", "python3"), PyenvResolver.ResolveShim("python3", project, Shims, null));
    }

    [Fact]
    public void A_program_that_is_not_a_shim_is_left_alone()
    {
        Assert.Null(PyenvResolver.ResolveShim("python3", _root, Path.Combine(_root, "versions", "3.11.7", "bin"), null));
    }

    [Fact]
    public void PYENV_VERSION_wins_and_an_unknown_or_system_version_falls_back_to_the_shim()
    {
        Assert.Equal(Path.Combine(_root, "versions", "3.12.1", "bin", "python3"), PyenvResolver.ResolveShim("python3", _root, Shims, "3.12.1:3.11.7"));
        Assert.Null(PyenvResolver.ResolveShim("python3", _root, Shims, "system"));
        Assert.Null(PyenvResolver.ResolveShim("python3", _root, Shims, "myenv"));
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
    }
}
