using System.Diagnostics;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Capture;

public sealed class RecorderProcessTests
{
    [Fact]
    public void This_process_is_not_gone()
    {
        var current = RecorderProcess.Current();
        Assert.Equal(Environment.ProcessId, current.Pid);
        Assert.False(RecorderProcess.IsGone(current));
    }

    [SkippableFact]
    public void A_process_that_exited_is_gone()
    {
        Requirement.That(OperatingSystem.IsLinux(), "needs /bin/true");
        using var process = Process.Start("/bin/true");
        process.WaitForExit();
        Assert.True(RecorderProcess.IsGone(RecorderProcess.Current() with { Pid = process.Id }));
    }

    [SkippableFact]
    public void A_recorder_from_an_earlier_boot_is_gone()
    {
        Requirement.That(File.Exists("/proc/sys/kernel/random/boot_id"), "needs a Linux boot id");
        Assert.True(RecorderProcess.IsGone(RecorderProcess.Current() with { BootId = "00000000-0000-0000-0000-000000000000" }));
    }

    [Fact]
    public void A_recorder_on_another_host_is_never_called_gone()
    {
        Assert.False(RecorderProcess.IsGone(new ProcessInfo(999_999, "some-other-host", "x")));
    }
}
