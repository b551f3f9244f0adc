namespace GitTrack.Core.Runs.SystemMetrics;

/// <summary>
/// One GPU's state as one line of <c>nvidia-smi --query-gpu</c> reports it (<see cref="GpuQuery"/>); a field the
/// driver reports as unavailable (<c>[N/A]</c>, <c>[Not Supported]</c>) is null. Memory is in MiB, as nvidia-smi gives it.
/// </summary>
public sealed record GpuSample(int Index, double? UtilizationPercent, double? MemoryUsedMiB, double? MemoryTotalMiB,
    double? TemperatureCelsius, double? PowerWatts, double? PowerLimitWatts)
{
    private const double BytesPerMiB = 1024 * 1024;

    /// <summary>The sample as system metrics (<c>system/gpu_N_...</c>), MB meaning 10^6 bytes as in MLflow.</summary>
    public IEnumerable<(string Name, double Value)> Metrics()
    {
        if (UtilizationPercent is { } utilization)
            yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuUtilization), utilization);
        if (MemoryUsedMiB is { } used)
        {
            yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuMemoryUsage), Math.Round(used * BytesPerMiB / 1e6, 1));
            if (MemoryTotalMiB is { } total && total > 0)
                yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuMemoryPercentage), Math.Round(100 * used / total, 1));
        }
        if (TemperatureCelsius is { } temperature)
            yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuTemperature), temperature);
        if (PowerWatts is { } power)
        {
            yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuPower), power);
            if (PowerLimitWatts is { } limit && limit > 0)
                yield return (SystemMetricNames.Gpu(Index, SystemMetricNames.GpuPowerPercentage), Math.Round(100 * power / limit, 1));
        }
    }
}
