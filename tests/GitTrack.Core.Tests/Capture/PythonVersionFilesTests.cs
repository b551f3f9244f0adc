using System.Diagnostics;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

/// <summary>
/// The Python version read from the interpreter's installed files, never a guess: the version its headers state
/// when they belong to it, else null (and the interpreter is asked).
/// </summary>
public sealed class PythonVersionFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gittrack-python-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Prefix(string binary, string? includeFolder, string? version)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, binary), "#!/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), binary);
        if (includeFolder is not null)
        {
            var include = Directory.CreateDirectory(Path.Combine(_root, "include", includeFolder)).FullName;
            File.WriteAllText(Path.Combine(include, "patchlevel.h"),
                $"/* Version as a string */\n#define PY_VERSION              \"{version}\"\n/*--end constants--*/\n");
        }
        // A virtualenv's python3 is a link to the base interpreter.
        var venv = Directory.CreateDirectory(Path.Combine(_root, "venv", "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(venv, "python3"), Path.Combine(bin, "python3"));
        return Path.Combine(venv, "python3");
    }

    [Theory]
    [InlineData("python3.11", "python3.11", "3.11.2", "3.11.2")]
    [InlineData("python3.13", "python3.13", "3.13.0rc1", "3.13.0rc1")]
    [InlineData("python3.6m", "python3.6m", "3.6.15", "3.6.15")]
    [InlineData("python3.11", "python3.12", "3.12.1", null)] // headers of another version
    [InlineData("python3.11", "python3.11", "3.12.1", null)] // headers that say another version
    [InlineData("python3.1", "python3.11", "3.11.2", null)]
    [InlineData("python3.11", null, null, null)] // no headers installed
    public void The_version_comes_from_the_headers_installed_with_the_interpreter(string binary, string? include, string? stated, string? expected)
    {
        var interpreter = Prefix(binary, include, stated);

        Assert.Equal(expected, PythonVersionFiles.Read(interpreter));
    }

    [Fact]
    public void A_binary_whose_name_does_not_say_its_version_is_asked()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "python3"), "#!/bin/sh\n");
        var include = Directory.CreateDirectory(Path.Combine(_root, "include", "python3.11")).FullName;
        File.WriteAllText(Path.Combine(include, "patchlevel.h"), "#define PY_VERSION \"3.11.2\"\n");

        Assert.Null(PythonVersionFiles.Read(Path.Combine(bin, "python3")));
    }

    [Fact]
    public void The_python3_on_this_machine_reads_as_it_prints_its_version()
    {
        var python3 = PyenvResolver.ResolveShim("python3", Environment.CurrentDirectory)
            ?? ExecutableLookup.Find("python3", Environment.GetEnvironmentVariable("PATH"), _root);
        Assert.NotNull(python3); // CI installs Python (.ci/run)
        var fromFiles = PythonVersionFiles.Read(python3);
        if (fromFiles is null)
            return; // no headers here: the probe asks the interpreter, as before
        using var process = Process.Start(new ProcessStartInfo(python3, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var printed = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(RuntimeProbe.ParsePythonVersion(printed), fromFiles);
    }
}
