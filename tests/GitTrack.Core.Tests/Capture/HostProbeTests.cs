using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Capture;

public sealed class HostProbeTests
{
    [Fact]
    public void Nvidia_smi_output_gives_one_gpu_a_line()
    {
        // Shapes as nvidia-smi prints them (fields as in Ricks-Lab/gpu-utils#83: "GeForce RTX 2080, ..., GPU-22b2c6ac-...").
        const string output = "NVIDIA H100 80GB HBM3, 81559, 550.54.15, GPU-6c2a5b2e-0c38-5c7a-2f67-3b1f9c0d1e2a\n"
            + "NVIDIA GeForce RTX 3090, 24576, 535.129.03, GPU-22b2c6ac-2d49-4863-197c-9c469071178a\r\n"
            + "\n";
        Assert.Equal(
            [new GpuInfo("NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-6c2a5b2e-0c38-5c7a-2f67-3b1f9c0d1e2a"),
             new GpuInfo("NVIDIA GeForce RTX 3090", 24576, "535.129.03", "GPU-22b2c6ac-2d49-4863-197c-9c469071178a")],
            NvidiaSmiParser.Parse(output));
    }

    [Fact]
    public void Unavailable_nvidia_smi_fields_become_empty()
    {
        var gpus = NvidiaSmiParser.Parse("GRID A100-40C, [N/A], 470.82.01, [N/A]\nTesla T4, 15360, N/A, GPU-1\n");
        Assert.Equal([new GpuInfo("GRID A100-40C", 0, "470.82.01", null), new GpuInfo("Tesla T4", 15360, null, "GPU-1")], gpus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n")]
    [InlineData("No devices were found\n")]
    [InlineData("Failed to initialize NVML: Driver/library version mismatch, NVML library version: 535.183\n")]
    public void Nvidia_smi_errors_give_no_gpu(string output)
    {
        Assert.Empty(NvidiaSmiParser.Parse(output));
    }

    [Fact]
    public void Os_release_gives_the_pretty_name()
    {
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", LinuxSystemFiles.OsPrettyName(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"));
        Assert.Equal("Alpine Linux 3.19", LinuxSystemFiles.OsPrettyName("NAME='Alpine Linux'\nVERSION=3.19\n"));
        Assert.Null(LinuxSystemFiles.OsPrettyName(""));
    }

    [Fact]
    public void Cpuinfo_gives_the_model_name()
    {
        Assert.Equal("AMD EPYC 7763 64-Core Processor", LinuxSystemFiles.CpuModel(
            "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7763 64-Core Processor\n"));
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", LinuxSystemFiles.CpuModel(
            "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
        Assert.Null(LinuxSystemFiles.CpuModel("processor\t: 0\n"));
    }

    [Fact]
    public void Meminfo_gives_total_memory_in_bytes()
    {
        Assert.Equal(16318480L * 1024, LinuxSystemFiles.MemTotalBytes("MemTotal:       16318480 kB\nMemFree:         1234 kB\n"));
        Assert.Equal(0, LinuxSystemFiles.MemTotalBytes("garbage"));
    }

    [Theory]
    [InlineData("Python 3.11.2\n", "3.11.2")]
    [InlineData("Python 3.13.0rc1", "3.13.0rc1")]
    [InlineData("Python 2.7", "2.7")]
    [InlineData("pyenv: python3: command not found", null)]
    public void Python_version_output_is_read(string output, string? expected)
    {
        Assert.Equal(expected, RuntimeProbe.ParsePythonVersion(output));
    }

    [SkippableFact]
    public async Task Host_capture_on_linux_reads_this_machine()
    {
        Requirement.That(OperatingSystem.IsLinux(), "reads /proc");
        var host = await HostProbe.CaptureAsync();
        Assert.False(string.IsNullOrEmpty(host.Hostname));
        Assert.False(string.IsNullOrEmpty(host.Os));
        Assert.False(string.IsNullOrEmpty(host.Kernel));
        Assert.Equal(Environment.ProcessorCount, host.Cores);
        Assert.True(host.MemoryBytes > 0);
        Assert.NotNull(host.Gpus);
    }

    [Fact]
    public async Task Runtime_capture_names_dotnet_and_gittrack_and_never_fails()
    {
        var versions = await RuntimeProbe.CaptureAsync("1.2.3");
        Assert.Equal(Environment.Version.ToString(), versions["dotnet"]);
        Assert.Equal("1.2.3", versions["gittrack"]);
    }

    [SkippableFact]
    public async Task A_probe_that_hangs_is_abandoned_at_its_timeout()
    {
        Requirement.That(File.Exists("/bin/sleep"), "needs /bin/sleep");
        var started = DateTime.UtcNow;
        var output = await ExternalProbe.RunAsync("/bin/sleep", ["30"], TimeSpan.FromMilliseconds(200));
        Assert.Null(output);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_missing_probe_program_gives_null()
    {
        Assert.Null(await ExternalProbe.RunAsync("gittrack-no-such-program", [], TimeSpan.FromSeconds(1)));
    }
}
