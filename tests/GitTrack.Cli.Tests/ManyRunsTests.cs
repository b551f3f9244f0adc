using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Commands over many runs (issue #19): the default <c>ls</c> table pages as <c>git log</c> does, <c>show</c> finds a
/// run's children from the index, and the index file is brought up to date in place.
/// </summary>
public sealed class ManyRunsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private void Seed(int count)
    {
        for (var i = 0; i < count; i++)
            RunSeeder.Add(_repo, run => run with { Name = $"r{i:D3}", StartedAt = RunSeeder.T0.AddMinutes(i), EndedAt = RunSeeder.T0.AddMinutes(i + 1) });
    }

    private static string[] Names(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])];

    [Fact]
    public void The_ls_table_shows_the_newest_fifty_and_counts_the_rest()
    {
        Seed(53);

        var ls = GitTrackProcess.Run(_repo, "ls");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        var names = Names(ls.Stdout);
        Assert.Equal(50, names.Length);
        Assert.Equal("r052", names[0]);
        Assert.Equal("r003", names[^1]);
        Assert.Contains("3 more runs not shown (--limit N shows N, --no-limit all)", ls.Stderr);

        var limited = GitTrackProcess.Run(_repo, "ls", "--limit", "52");
        Assert.Equal(52, Names(limited.Stdout).Length);
        Assert.DoesNotContain("more run", limited.Stderr);
        var every = GitTrackProcess.Run(_repo, "ls", "--no-limit");
        Assert.Equal(53, Names(every.Stdout).Length);
        Assert.DoesNotContain("more run", every.Stderr);
        var json = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.Equal(53, JsonDocument.Parse(json.Stdout).RootElement.GetArrayLength());
        var filtered = GitTrackProcess.Run(_repo, "ls", "--filter", "name != r000");
        Assert.Equal(50, Names(filtered.Stdout).Length);
        Assert.Contains("2 more runs not shown", filtered.Stderr);
    }

    [Fact]
    public void Show_names_the_children_of_a_run_and_ls_json_streams_every_run()
    {
        var parent = RunSeeder.Add(_repo, run => run with { Name = "sweep" });
        var first = RunSeeder.Add(_repo, run => run with { Name = "trial-1", Parent = parent.Id, StartedAt = RunSeeder.T0.AddMinutes(1) });
        var second = RunSeeder.Add(_repo, run => run with { Name = "trial-2", Parent = parent.Id, StartedAt = RunSeeder.T0.AddMinutes(2) });
        RunSeeder.Add(_repo, run => run with { Name = "other", StartedAt = RunSeeder.T0.AddMinutes(3) });

        var show = GitTrackProcess.Run(_repo, "show", "--json", parent.Id[..8]);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Equal([first.Id, second.Id], JsonDocument.Parse(show.Stdout).RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetString()));
        // A removed child is no longer listed under its parent.
        Assert.Equal(0, GitTrackProcess.Run(_repo, "rm", second.Id).ExitCode);
        var after = GitTrackProcess.Run(_repo, "show", "--json", "sweep");
        Assert.Equal([first.Id], JsonDocument.Parse(after.Stdout).RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void A_damaged_index_file_is_rebuilt_and_a_new_run_updates_it_in_place()
    {
        Seed(3);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "ls").ExitCode);
        var index = _repo.PathOf(".git/gittrack/index/runs.bin");
        var bytes = File.ReadAllBytes(index);
        Assert.Equal("GTIX"u8.ToArray(), bytes[..4]);
        // Cut into the summaries: the heads still read, a summary does not; the cache is rebuilt, never trusted.
        File.WriteAllBytes(index, bytes[..^20]);
        var ls = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        Assert.Equal(3, JsonDocument.Parse(ls.Stdout).RootElement.GetArrayLength());
        Seed(1);
        var again = GitTrackProcess.Run(_repo, "ls", "--json");
        Assert.Equal(4, JsonDocument.Parse(again.Stdout).RootElement.GetArrayLength());
    }
}
