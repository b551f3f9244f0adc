using System.Diagnostics;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Benchmarks;

/// <summary>What the diff and checkout benchmarks share: a scratch repository, runs recorded straight into the store, git and the built gittrack.</summary>
internal static class DiffCheckoutSupport
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string NewRepo(string path)
    {
        Directory.CreateDirectory(path);
        Git(path, "init", "-q", "-b", "main");
        Git(path, "config", "user.name", "bench");
        Git(path, "config", "user.email", "bench@example.com");
        File.WriteAllText(Path.Combine(path, ".gitignore"), "models/\n");
        File.WriteAllText(Path.Combine(path, "train.py"), "lr = 0.1\nprint('hello')\n");
        Git(path, "add", "-A");
        Git(path, "commit", "-q", "-m", "initial");
        return path;
    }

    /// <summary>Records the work tree as it is now as a completed run.</summary>
    public static RunRecord Record(string repo, string name, int minute, Func<RunRecord, RunRecord> shape, IReadOnlyList<MetricPoint>? history = null)
    {
        var dirs = GitDirectories.Discover(repo);
        var started = T0.AddMinutes(minute);
        var run = shape(new RunRecord
        {
            Id = RunId.New(started).Value,
            Name = name,
            Status = RunStatus.Completed,
            ExitCode = 0,
            StartedAt = started,
            EndedAt = started.AddMinutes(30),
            Command = ["python", "train.py"],
            Source = WorkTreeSnapshot.Capture(dirs),
        });
        using var store = RunStore.Open(dirs);
        return store.Create(run, history);
    }

    public static string Git(string repo, params string[] args) => RunStoreBenchmark.Git(repo, args);

    public static string? FindGitTrackDll() => RunStoreBenchmark.FindGitTrackDll();

    public static string Ms(double? seconds) => seconds is { } s ? $"{s * 1000:F0} ms" : "n/a";
}
