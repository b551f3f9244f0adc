namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// Samples the machine, the run's process tree and its GPUs every interval while a run records, and hands each
/// sample's points (<c>system/...</c> metrics, no step, timestamped) to a sink: <see cref="RunRecorder"/> feeds them
/// into the run like logged metrics. Runs on the thread pool beside the command and never fails or slows the run:
/// an error in one sample loses that sample only. <see cref="StopAsync"/> ends it and stops nvidia-smi.
/// </summary>
public sealed class SystemSampler : IAsyncDisposable
{
    private readonly SystemReader _reader;
    private readonly string? _nvidiaSmi;
    private GpuMonitor? _gpus;
    private readonly TimeSpan _interval;
    private readonly Action<IReadOnlyList<MetricPoint>> _sink;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SystemSampler(TimeSpan interval, int? rootPid, Action<IReadOnlyList<MetricPoint>> sink, string proc, string sys, string? nvidiaSmi)
    {
        _interval = interval;
        _sink = sink;
        _reader = new SystemReader(rootPid, proc, sys);
        _nvidiaSmi = nvidiaSmi;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The default sampling interval (GITTRACK_SYSTEM_SECONDS unset).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>Samples taken and handed to the sink so far.</summary>
    public int Samples { get; private set; }

    /// <summary>
    /// Starts sampling every <paramref name="interval"/> with <paramref name="rootPid"/>'s process tree; null when
    /// <paramref name="interval"/> is zero (sampling turned off). The first points come after one interval.
    /// </summary>
    public static SystemSampler? Start(TimeSpan interval, int? rootPid, Action<IReadOnlyList<MetricPoint>> sink,
        string proc = "/proc", string sys = "/sys", string? nvidiaSmi = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (interval <= TimeSpan.Zero)
            return null;
        return new SystemSampler(interval, rootPid, sink, proc, sys, nvidiaSmi);
    }

    /// <summary>One sample's points as metric points, timestamped <paramref name="at"/>: the reader's, then each GPU's.</summary>
    internal static List<MetricPoint> Points(IEnumerable<(string Name, double Value)> machine, IEnumerable<GpuSample> gpus, DateTimeOffset at)
    {
        var points = new List<MetricPoint>();
        foreach (var (name, value) in machine)
            points.Add(new MetricPoint(name, value, null, at));
        foreach (var gpu in gpus)
            foreach (var (name, value) in gpu.Metrics())
                points.Add(new MetricPoint(name, value, null, at));
        return points;
    }

    private async Task LoopAsync()
    {
        try
        {
            // Started here, on the pool, so that starting nvidia-smi costs the recorder's thread nothing.
            GpuMonitor gpuMonitor;
            try
            {
                gpuMonitor = GpuMonitor.Start(_interval, _nvidiaSmi);
            }
            catch (Exception)
            {
                gpuMonitor = GpuMonitor.WithoutProcess(_interval, TimeProvider.System);
            }
            _gpus = gpuMonitor;
            SafeRead(); // the baseline that CPU use and throughput are measured from
            using var timer = new PeriodicTimer(_interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var machine = SafeRead();
                IReadOnlyList<GpuSample> gpus;
                try
                {
                    gpus = gpuMonitor.Current();
                }
                catch (Exception)
                {
                    gpus = [];
                }
                var points = Points(machine, gpus, DateTimeOffset.UtcNow);
                if (points.Count == 0)
                    continue;
                try
                {
                    _sink(points);
                    Samples++;
                }
                catch (Exception)
                {
                    // A sink that fails (the run ending under it) costs this sample, never the run.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private List<(string Name, double Value)> SafeRead()
    {
        try
        {
            return _reader.Read();
        }
        catch (Exception)
        {
            return []; // a surprise in /proc loses one sample, never the run
        }
    }

    /// <summary>Stops sampling (a sample under way completes first) and nvidia-smi.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // LoopAsync handles its own errors; nothing here may fail the run.
        }
        _gpus?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
