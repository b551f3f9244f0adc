using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Core.Tests.SystemMetrics;

public sealed class ProcFilesTests
{
    [Fact]
    public void Proc_stat_gives_the_machine_then_each_core()
    {
        var cpu = CpuTimes.Parse("""
            cpu  53430 0 23529 48246 599 0 292 0 0 0
            cpu0 26105 0 11628 25078 149 0 78 0 0 0
            cpu1 27324 0 11900 23168 450 0 214 0 0 0
            intr 451209 0 0 0
            ctxt 1473040
            """);
        Assert.Equal(3, cpu.Count);
        Assert.Equal(new CpuTimes(53430 + 23529 + 292, 53430 + 23529 + 48246 + 599 + 292), cpu[0]);
        Assert.Equal(new CpuTimes(27324 + 11900 + 214, 27324 + 11900 + 23168 + 450 + 214), cpu[2]);
        Assert.Equal(50.0, CpuTimes.Utilization(new CpuTimes(100, 200), new CpuTimes(150, 300)));
        Assert.Null(CpuTimes.Utilization(new CpuTimes(100, 200), new CpuTimes(100, 200)));
    }

    [Fact]
    public void An_offline_core_leaves_a_gap_and_an_odd_file_gives_nothing()
    {
        var cpu = CpuTimes.Parse("cpu 10 0 10 80 0 0 0 0\ncpu0 5 0 5 40 0 0 0 0\ncpu2 5 0 5 40 0 0 0 0\n");
        Assert.Equal(4, cpu.Count);
        Assert.Null(cpu[2]);
        Assert.Empty(CpuTimes.Parse(""));
        Assert.Empty(CpuTimes.Parse("cpu0 5 0 5 40 0 0 0 0\n")); // no machine line
    }

    [Fact]
    public void Meminfo_gives_used_as_total_less_available()
    {
        var memory = MemoryInfo.Parse("MemTotal:       24683548 kB\nMemFree:        21487592 kB\nMemAvailable:   22545052 kB\n")!.Value;
        Assert.Equal(24683548L * 1024, memory.TotalBytes);
        Assert.Equal((24683548L - 22545052) * 1024, memory.UsedBytes);
        // Kernels before 3.14 have no MemAvailable: free, buffers and cache stand in.
        var old = MemoryInfo.Parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n")!.Value;
        Assert.Equal(600 * 1024, old.UsedBytes);
        Assert.Null(MemoryInfo.Parse("garbage"));
    }

    [Fact]
    public void Diskstats_counts_whole_disks_only()
    {
        const string diskStats = """
               7       0 loop0 100 0 800 0 0 0 0 0 0 0 0 0 0 0 0 0 0
             254       0 vda 41808 11323 3171770 21859 14585 18492 3906856 18036 0 18500 44788 17160 29 1067344 3865 1047 1026
             254       1 vda1 41000 11000 3000000 21000 14000 18000 3900000 18000 0 18000 44000 17000 29 1067344 3865 1047 1026
             259       0 nvme0n1 10 0 20 0 30 0 40 0 0 0 0
             253       0 dm-0 99999 0 99999 0 99999 0 99999 0 0 0 0
            """;
        var io = IoCounters.ParseDiskStats(diskStats, new HashSet<string> { "vda", "nvme0n1" })!.Value;
        Assert.Equal((3171770L + 20) * 512, io.In);
        Assert.Equal((3906856L + 40) * 512, io.Out);
        Assert.Null(IoCounters.ParseDiskStats(diskStats, new HashSet<string>()));
    }

    [Fact]
    public void Net_dev_sums_every_interface_but_loopback()
    {
        const string netDev = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 3145448    1066    0    0    0     0          0         0  3145448    1066    0    0    0     0       0          0
              eth0: 310527756    8442    0    0    0     0          0         0   323973    4206    0    0    0     0       0          0
              ib0:1000 1 0 0 0 0 0 0 2000 1 0 0 0 0 0 0
            """;
        Assert.Equal(new IoCounters(310527756 + 1000, 323973 + 2000), IoCounters.ParseNetDev(netDev));
    }

    [Fact]
    public void Process_stat_is_read_after_the_command_name_whatever_it_holds()
    {
        // A command name may hold spaces and parentheses: "(python) (worker 3)".
        var stat = ProcessStat.Parse("4242 ((python) (worker 3)) S 4200 4242 16473 0 -1 4194304 98 0 0 0 150 30 12 8 20 0 1 0 63325 3133440 2048 18446744073709551615 0 0 0")!.Value;
        Assert.Equal(new ProcessStat(4242, 4200, 150 + 30 + 12 + 8, 2048), stat);
        Assert.Null(ProcessStat.Parse(""));
        Assert.Null(ProcessStat.Parse("4242 (x) S"));
    }
}
