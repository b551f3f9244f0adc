using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>Records runs straight through <see cref="RunStore"/>, for tests of the commands that read them.</summary>
public static class RunSeeder
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static RunRecord Add(TempGitRepo repo, Func<RunRecord, RunRecord> shape, IReadOnlyList<MetricPoint>? history = null)
    {
        var dirs = GitDirectories.Discover(repo.Root);
        var source = WorkTreeSnapshot.Capture(dirs);
        var run = shape(new RunRecord
        {
            Id = RunId.New(T0).Value,
            Name = "",
            Status = RunStatus.Completed,
            ExitCode = 0,
            StartedAt = T0,
            EndedAt = T0.AddSeconds(90),
            Command = ["python", "train.py"],
            Source = source,
        });
        using var store = RunStore.Open(dirs);
        return store.Create(run, history);
    }
}
