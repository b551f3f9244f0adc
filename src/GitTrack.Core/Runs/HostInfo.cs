namespace GitTrack.Core.Runs;

/// <summary>The machine a run ran on: enough to explain a difference in speed or numerics between two runs.</summary>
public sealed record HostInfo
{
    public string? Hostname { get; init; }
    public string? Os { get; init; }
    public string? Kernel { get; init; }
    public string? Arch { get; init; }
    public string? Cpu { get; init; }
    public int Cores { get; init; }
    public long MemoryBytes { get; init; }
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];
}

/// <summary>One GPU as nvidia-smi reports it.</summary>
public sealed record GpuInfo(string Name, long MemoryMiB, string? Driver, string? Uuid);
