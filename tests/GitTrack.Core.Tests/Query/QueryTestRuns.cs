using GitTrack.Core.Query;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Tests.Query;

/// <summary>Builds RunRecords for query tests, and a fixed clock: 2026-11-25 12:00 UTC, evaluated in UTC.</summary>
internal static class QueryTestRuns
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public static readonly QueryContext Context = new(Now, TimeZoneInfo.Utc);

    public static RunRecord Run(
        string id,
        string name = "run",
        RunStatus status = RunStatus.Completed,
        DateTimeOffset? started = null,
        TimeSpan? duration = null,
        int? exitCode = 0,
        string commit = "0123456789abcdef0123456789abcdef01234567",
        string? branch = "main",
        string? parent = null,
        (string, object)[]? @params = null,
        (string, double)[]? metrics = null,
        (string, string)[]? tags = null)
    {
        var start = started ?? Now.AddDays(-1);
        return new RunRecord
        {
            Id = id,
            Name = name,
            Status = status,
            ExitCode = exitCode,
            StartedAt = start,
            EndedAt = status == RunStatus.Running ? null : start + (duration ?? TimeSpan.FromMinutes(10)),
            Command = ["python", "train.py"],
            Parent = parent,
            Source = new SourceInfo { Commit = commit, Branch = branch, Tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904" },
            Params = new SortedDictionary<string, object>((@params ?? []).ToDictionary(p => p.Item1, p => p.Item2), StringComparer.Ordinal),
            Metrics = new SortedDictionary<string, double>((metrics ?? []).ToDictionary(p => p.Item1, p => p.Item2), StringComparer.Ordinal),
            Tags = new SortedDictionary<string, string>((tags ?? []).ToDictionary(p => p.Item1, p => p.Item2), StringComparer.Ordinal),
        };
    }

    /// <summary>Whether <paramref name="filter"/> matches <paramref name="run"/>, parsed and compiled against the fixed clock.</summary>
    public static bool Matches(string filter, RunRecord run) =>
        QueryParser.Parse(filter).Compile(RunRecordFields.Instance, Context)(run);

    /// <summary>The ids of the runs <paramref name="filter"/> keeps, in order.</summary>
    public static string[] Ids(string filter, params RunRecord[] runs) =>
        runs.Where(QueryParser.Parse(filter).Compile(RunRecordFields.Instance, Context)).Select(r => r.Id).ToArray();
}
