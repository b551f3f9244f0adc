using System.Runtime.InteropServices;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Describes the machine a run runs on (<see cref="HostInfo"/>). Start <see cref="CaptureAsync"/> before the child
/// and await it after: the only slow part, <c>nvidia-smi</c>, then overlaps the run. Never fails: what cannot be
/// found is left empty.
/// </summary>
public static class HostProbe
{
    // Reading /proc and /etc takes well under a millisecond, but a process may record several runs (tests, rerun).
    private static readonly Lazy<HostInfo> Cheap = new(ReadCheapParts);

    public static async Task<HostInfo> CaptureAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var gpus = await ProbeGpusAsync(timeout ?? ExternalProbe.DefaultTimeout, cancellationToken).ConfigureAwait(false);
        return Cheap.Value with { Gpus = gpus };
    }

    /// <summary>The GPUs nvidia-smi lists; empty when it is not installed, fails or times out.</summary>
    public static async Task<IReadOnlyList<GpuInfo>> ProbeGpusAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var output = await ExternalProbe.RunAsync("nvidia-smi", NvidiaSmiParser.Arguments, timeout, cancellationToken).ConfigureAwait(false);
        return output is null ? [] : NvidiaSmiParser.Parse(output);
    }

    private static HostInfo ReadCheapParts()
    {
        string? os = null, kernel = null, cpu = null;
        long memory = 0;
        if (OperatingSystem.IsLinux())
        {
            os = LinuxSystemFiles.OsPrettyName(ReadOrEmpty("/etc/os-release"));
            kernel = ReadOrEmpty("/proc/sys/kernel/osrelease").Trim() is { Length: > 0 } k ? k : null;
            cpu = LinuxSystemFiles.CpuModel(ReadOrEmpty("/proc/cpuinfo"));
            memory = LinuxSystemFiles.MemTotalBytes(ReadOrEmpty("/proc/meminfo"));
        }
        string? hostname;
        try
        {
            hostname = Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            hostname = null;
        }
        return new HostInfo
        {
            Hostname = hostname,
            Os = os ?? RuntimeInformation.OSDescription,
            Kernel = kernel,
            Arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            Cpu = cpu,
            Cores = Environment.ProcessorCount,
            MemoryBytes = memory,
        };
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
