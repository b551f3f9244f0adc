namespace GitTrack.Benchmarks;

/// <summary>One named benchmark the runner can start: prints a Markdown table of medians beside its peer tools.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}
