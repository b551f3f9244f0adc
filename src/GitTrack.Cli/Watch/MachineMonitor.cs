using GitTrack.Core.Runs.SystemMetrics;

namespace GitTrack.Cli.Watch;

/// <summary>
/// This machine's system metrics for the dashboard when no watched run has its own: the same readers a run's
/// sampler uses (/proc, /sys, one long-lived nvidia-smi), read at each refresh. Started on first use.
/// </summary>
internal sealed class MachineMonitor : IDisposable
{
    private readonly TimeSpan _interval;
    private SystemReader? _reader;
    private GpuMonitor? _gpus;
    private Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private DateTimeOffset _readAt;

    public MachineMonitor(TimeSpan interval)
    {
        // nvidia-smi's -l takes whole seconds; the dashboard needs no finer GPU readings than once a second.
        _interval = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(interval.TotalSeconds)));
    }

    /// <summary>The values as of the latest read, reading again when the last read is older than half a refresh.</summary>
    public IReadOnlyDictionary<string, double> Values()
    {
        if (_reader is null)
        {
            _reader = new SystemReader(rootPid: null);
            _gpus = GpuMonitor.Start(_interval);
            _reader.Read(); // the baseline CPU use is measured from
            _readAt = DateTimeOffset.UtcNow;
            // A first look needs a CPU reading: measure over a short moment rather than show nothing.
            Thread.Sleep(250);
        }
        else if (DateTimeOffset.UtcNow - _readAt < _interval / 2)
            return _values;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in _reader.Read())
            values[name] = value;
        foreach (var gpu in _gpus?.Current() ?? [])
            foreach (var (name, value) in gpu.Metrics())
                values[name] = value;
        _readAt = DateTimeOffset.UtcNow;
        return _values = values;
    }

    public void Dispose() => _gpus?.Dispose();
}
