using System.Diagnostics;
using System.Globalization;
using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Benchmarks;

/// <summary>
/// What the system sampler costs the run: CPU time of this process (<c>/proc/self/stat</c>) while a
/// <see cref="SystemSampler"/> samples a small process tree every <c>--interval-ms</c> (shortened, so a minute gives
/// hundreds of samples), less the same wait without it, per sample and per hour at the default 10 s. Peers, doing
/// the same each interval for the same time: psutil as MLflow's sampler uses it (Debian's python3-psutil), and a
/// <c>ps</c> process per sample.
/// </summary>
public sealed class SystemBenchmark : IBenchmark
{
    public string Name => "system";
    public string Description => "CPU cost of sampling system metrics (per sample, per hour at 10 s); peers psutil (MLflow's way) and ps per sample";

    private const double TicksPerSecond = 100; // USER_HZ

    public int Run(string[] args)
    {
        var seconds = Option(args, "--seconds", 60);
        var intervalMs = Option(args, "--interval-ms", 100);
        var rounds = Option(args, "--rounds", 3);
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        using var tree = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 100000 & sleep 100000 & wait"]) { UseShellExecute = false })!;
        try
        {
            var idle = new List<double>();
            var ours = new List<double>();
            var psutil = new List<double>();
            var ps = new List<double>();
            var psutilAvailable = Measure.Shell("/usr/bin/python3 -c 'import psutil'") is not null;
            for (var round = 0; round < rounds; round++)
            {
                idle.Add(CpuSeconds(() => Thread.Sleep(TimeSpan.FromSeconds(seconds))) / (seconds * 1000.0 / intervalMs));
                var samples = 0;
                var spent = CpuSeconds(() =>
                {
                    var sampler = SystemSampler.Start(interval, tree.Id, points => Interlocked.Increment(ref samples))!;
                    Thread.Sleep(TimeSpan.FromSeconds(seconds));
                    sampler.StopAsync().GetAwaiter().GetResult();
                });
                ours.Add(spent / Math.Max(1, samples));
                if (psutilAvailable)
                    psutil.Add(Psutil(tree.Id, seconds, intervalMs));
                ps.Add(PsPerSample(seconds, intervalMs));
            }
            var idlePerSample = Measure.MedianOf(idle);
            var processes = Directory.EnumerateDirectories("/proc").Count(d => char.IsAsciiDigit(Path.GetFileName(d)[0]));
            var cores = Environment.ProcessorCount;
            Console.WriteLine($"| sampling every {intervalMs} ms for {seconds} s, {rounds} rounds; {cores} cores, {processes} processes on the machine | CPU per sample | CPU per hour at 10 s |");
            Console.WriteLine("|---|---:|---:|");
            Row("idle wait (this process's own timers, GC; subtracted below)", idlePerSample, 0);
            Row("`SystemSampler` (/proc, /sys read directly; no GPU here)", Measure.MedianOf(ours), idlePerSample);
            if (psutilAvailable)
                Row("peer: psutil, MLflow's calls (cpu_percent, virtual_memory, disk_usage, net_io_counters, process tree)", Measure.MedianOf(psutil), 0);
            else
                Console.WriteLine("| peer: psutil | not installed (apt-get install python3-psutil) | |");
            Row("peer: a `ps -e -o pid,ppid,rss,time` process per sample", Measure.MedianOf(ps), 0);
            return 0;
        }
        finally
        {
            tree.Kill(entireProcessTree: true);
        }
    }

    private static void Row(string what, double perSample, double minus)
    {
        var cost = Math.Max(0, perSample - minus);
        Console.WriteLine($"| {what} | {cost * 1e3:F3} ms | {cost * 360:F2} s |");
    }

    /// <summary>This process's CPU time (user + system) spent while <paramref name="action"/> ran, in seconds.</summary>
    private static double CpuSeconds(Action action)
    {
        var before = SelfTicks();
        action();
        return (SelfTicks() - before) / TicksPerSecond;
    }

    private static long SelfTicks(bool children = false)
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var own = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return children ? long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture) : own;
    }

    /// <summary>psutil sampling as MLflow's monitors do, in a Python process of its own; its CPU seconds per sample.</summary>
    private static double Psutil(int root, int seconds, int intervalMs)
    {
        const string script = """
            import os, sys, time, psutil
            root, seconds, interval = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]) / 1000
            proc = psutil.Process(root)
            psutil.cpu_percent(); psutil.cpu_percent(percpu=True)
            start = os.times(); samples = 0; end = time.monotonic() + seconds
            while time.monotonic() < end:
                time.sleep(interval)
                psutil.cpu_percent(); psutil.cpu_percent(percpu=True); psutil.virtual_memory(); psutil.disk_usage("/")
                psutil.disk_io_counters(); psutil.net_io_counters()
                for p in [proc] + proc.children(recursive=True):
                    p.cpu_percent(); p.memory_info()
                samples += 1
            t = os.times()
            print((t.user - start.user + t.system - start.system) / samples)
            """;
        var info = new ProcessStartInfo("/usr/bin/python3", ["-c", script, root.ToString(CultureInfo.InvariantCulture),
            seconds.ToString(CultureInfo.InvariantCulture), intervalMs.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, UseShellExecute = false };
        using var python = Process.Start(info)!;
        var output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>A <c>ps</c> process per sample: its CPU time and the start of each, per sample.</summary>
    private static double PsPerSample(int seconds, int intervalMs)
    {
        var before = SelfTicks() + SelfTicks(children: true);
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        var samples = 0;
        while (DateTime.UtcNow < end)
        {
            Thread.Sleep(intervalMs);
            using var ps = Process.Start(new ProcessStartInfo("ps", ["-e", "-o", "pid,ppid,rss,time"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            ps.StandardOutput.ReadToEnd();
            ps.WaitForExit();
            samples++;
        }
        return (SelfTicks() + SelfTicks(children: true) - before) / TicksPerSecond / samples;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
