namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// Reads what the machine and a process tree are doing from <c>/proc</c> and <c>/sys</c> directly (no process per
/// sample): CPU use of the machine, of each core and of the tree, memory of the machine and the tree's resident
/// memory, disk and network throughput. Uses and rates are the change since the previous <see cref="Read"/>, so the
/// first read only sets the baseline for them. Never throws: a file that is missing or unreadable (a container
/// without <c>/proc/diskstats</c>, a process that ended while being read) leaves its metrics out.
/// </summary>
public sealed class SystemReader
{
    // USER_HZ: /proc counts CPU time in ticks of 1/100 s on every Linux architecture (it is part of the ABI).
    private const double TicksPerSecond = 100;
    private static readonly long PageBytes = Environment.SystemPageSize;

    private readonly string _proc;
    private readonly string _sys;
    private readonly int? _rootPid;
    private readonly TimeProvider _time;
    private IReadOnlySet<string>? _disks;
    private long _previousAt;
    private List<CpuTimes?>? _cpu;
    private IoCounters? _disk;
    private IoCounters? _network;
    private long? _treeTicks;

    /// <param name="rootPid">The process whose tree is measured (the tracked command), or null for the machine alone.</param>
    /// <param name="proc">Where procfs is mounted (tests give a folder of recorded files).</param>
    /// <param name="sys">Where sysfs is mounted.</param>
    /// <param name="time">The clock rates are measured with.</param>
    public SystemReader(int? rootPid, string proc = "/proc", string sys = "/sys", TimeProvider? time = null)
    {
        _rootPid = rootPid;
        _proc = proc;
        _sys = sys;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The metrics as they stand now: name and value (percentages 0-100, MB of 10^6 bytes, MB per second).</summary>
    public List<(string Name, double Value)> Read()
    {
        var result = new List<(string, double)>();
        var now = _time.GetTimestamp();
        double? seconds = _previousAt == 0 ? null : _time.GetElapsedTime(_previousAt, now).TotalSeconds;
        if (seconds is <= 0)
            seconds = null;
        _previousAt = now;

        ReadCpu(result);
        ReadMemory(result);
        ReadProcessTree(result, seconds);
        _disk = Rates(result, IoCounters.ParseDiskStats(ReadText("diskstats", _proc) ?? "", Disks()), _disk, seconds,
            SystemMetricNames.DiskRead, SystemMetricNames.DiskWrite);
        _network = Rates(result, ReadText("net/dev", _proc) is { } dev ? IoCounters.ParseNetDev(dev) : null, _network, seconds,
            SystemMetricNames.NetworkReceive, SystemMetricNames.NetworkTransmit);
        return result;
    }

    private void ReadCpu(List<(string, double)> result)
    {
        if (ReadText("stat", _proc) is not { } text)
            return;
        var cpu = CpuTimes.Parse(text);
        if (cpu.Count == 0)
            return;
        if (_cpu is { } previous)
        {
            for (var slot = 0; slot < cpu.Count && slot < previous.Count; slot++)
            {
                if (cpu[slot] is not { } later || previous[slot] is not { } earlier || CpuTimes.Utilization(earlier, later) is not { } use)
                    continue;
                result.Add((slot == 0 ? SystemMetricNames.CpuUtilization : SystemMetricNames.Core(slot - 1), Math.Round(use, 1)));
            }
        }
        _cpu = cpu;
    }

    private void ReadMemory(List<(string, double)> result)
    {
        if (ReadText("meminfo", _proc) is not { } text || MemoryInfo.Parse(text) is not { } memory)
            return;
        result.Add((SystemMetricNames.SystemMemoryUsage, Math.Round(memory.UsedBytes / 1e6, 1)));
        result.Add((SystemMetricNames.SystemMemoryPercentage, Math.Round(100.0 * memory.UsedBytes / memory.TotalBytes, 1)));
    }

    /// <summary>
    /// The tree's CPU and memory. Its CPU time is the sum, over the processes in it now, of their own time and their
    /// waited-for children's: when a process of the tree ends and its parent waits for it, its time moves into the
    /// parent's, so the change of the sum between two reads is the tree's use in between, short-lived helpers included.
    /// </summary>
    private void ReadProcessTree(List<(string, double)> result, double? seconds)
    {
        if (_rootPid is not { } root)
            return;
        var tree = ProcessTree(root);
        if (tree.Count == 0)
        {
            _treeTicks = null; // the command has ended
            return;
        }
        long ticks = 0, pages = 0;
        foreach (var process in tree)
        {
            ticks += process.Ticks;
            pages += process.ResidentPages;
        }
        if (_treeTicks is { } before && seconds is { } s)
            result.Add((SystemMetricNames.ProcessCpu, Math.Round(Math.Max(0, ticks - before) / TicksPerSecond / s * 100, 1)));
        _treeTicks = ticks;
        result.Add((SystemMetricNames.ProcessMemory, Math.Round(pages * PageBytes / 1e6, 1)));
    }

    /// <summary>
    /// <paramref name="root"/> and its descendants. Parents are known only from each process's stat, so every
    /// process's is read (a few hundred small reads on a busy node); empty when the root is gone.
    /// </summary>
    private List<ProcessStat> ProcessTree(int root)
    {
        var byParent = new Dictionary<int, List<ProcessStat>>();
        ProcessStat? rootStat = null;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(_proc);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        try
        {
            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry.AsSpan());
                if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
                    continue;
                if (ReadText(Path.Combine(entry, "stat"), null) is not { } text || ProcessStat.Parse(text) is not { } stat)
                    continue;
                if (stat.Pid == root)
                    rootStat = stat;
                else if (stat.ParentPid > 0)
                {
                    if (!byParent.TryGetValue(stat.ParentPid, out var children))
                        byParent[stat.ParentPid] = children = [];
                    children.Add(stat);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The listing itself failed midway (procfs unmounted?): measure what was read.
        }
        if (rootStat is not { } top)
            return [];
        var tree = new List<ProcessStat> { top };
        for (var i = 0; i < tree.Count; i++)
            if (byParent.Remove(tree[i].Pid, out var children))
                tree.AddRange(children);
        return tree;
    }

    /// <summary>The whole physical disks: the entries of /sys/block backed by a device (not loop, ram, zram, dm or md volumes).</summary>
    private IReadOnlySet<string> Disks()
    {
        if (_disks is not null)
            return _disks;
        var disks = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(Path.Combine(_sys, "block")))
                if (Path.Exists(Path.Combine(entry, "device")))
                    disks.Add(Path.GetFileName(entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return _disks = disks;
    }

    private static IoCounters? Rates(List<(string, double)> result, IoCounters? now, IoCounters? before, double? seconds, string inName, string outName)
    {
        if (now is { } n && before is { } b && seconds is { } s)
        {
            result.Add((inName, Math.Round(Math.Max(0, n.In - b.In) / 1e6 / s, 3)));
            result.Add((outName, Math.Round(Math.Max(0, n.Out - b.Out) / 1e6 / s, 3)));
        }
        return now;
    }

    private static string? ReadText(string path, string? folder)
    {
        try
        {
            return File.ReadAllText(folder is null ? path : Path.Combine(folder, path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
