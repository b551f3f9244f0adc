using System.Diagnostics;

namespace GitTrack.Core.Tests.SystemMetrics;

/// <summary>
/// An executable named nvidia-smi in a temporary folder that behaves as <c>nvidia-smi --query-gpu=... -l N</c> on a
/// GPU machine: it prints a recorded output (TestData/nvidia-smi) over and over, a block every 0.2 s, until killed,
/// and leaves its arguments and process id beside itself for the test to check.
/// </summary>
internal sealed class FakeNvidiaSmi : IDisposable
{
    private FakeNvidiaSmi(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }
    public string Path => System.IO.Path.Combine(Folder, "nvidia-smi");

    public static FakeNvidiaSmi Create(string fixture)
    {
        var folder = Directory.CreateTempSubdirectory("gittrack-nvidia-smi-").FullName;
        var data = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "nvidia-smi", fixture);
        File.WriteAllText(System.IO.Path.Combine(folder, "nvidia-smi"), $"""
            #!/bin/sh
            echo $$ > '{folder}/pid'
            for a in "$@"; do echo "$a"; done > '{folder}/args'
            case "$1" in --query-gpu=index,*) ;; *) echo "unexpected query: $1" >&2; exit 6 ;; esac
            while :; do cat '{data}'; sleep 0.2; done
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(System.IO.Path.Combine(folder, "nvidia-smi"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return new FakeNvidiaSmi(folder);
    }

    public string[] Arguments() => File.ReadAllLines(System.IO.Path.Combine(Folder, "args"));

    public int Pid() => int.Parse(File.ReadAllText(System.IO.Path.Combine(Folder, "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the process is alive (a zombie awaiting its parent's wait counts as ended).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(System.IO.Path.Combine(Folder, "pid")) && IsRunning(Pid()))
                Process.GetProcessById(Pid()).Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
        }
        Directory.Delete(Folder, recursive: true);
    }
}
