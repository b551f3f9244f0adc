using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// A runs branch written by the last schema 1 release (TestData/schema1: a git bundle and what that release printed
/// for it) reads the same today, as it is and after <c>gittrack migrate</c>, which loses nothing.
/// </summary>
public sealed class SchemaOneBranchTests : IDisposable
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "schema1");
    // Fields today's JSON has that the release's did not, and fields a migration legitimately changes.
    // Fields added since that release: only_on (a run only on a remote's copy, #12), param_types (each param's type, #11).
    private static readonly HashSet<string> NewFields = ["only_on", "param_types", "environment", "inputs"];
    private readonly TempGitRepo _repo;

    public SchemaOneBranchTests()
    {
        _repo = TempGitRepo.CloneOf(Path.Combine(Data, "schema1.bundle"));
        // The release kept runs on a local branch: make it one, as it was.
        _repo.Git("branch", "gittrack/runs", "origin/gittrack/runs");
        _repo.Git("remote", "remove", "origin");
    }

    public void Dispose() => _repo.Dispose();

    private string Ok(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    private static JsonElement Expected(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, file)));
        return doc.RootElement.Clone();
    }

    private JsonElement Actual(params string[] args)
    {
        using var doc = JsonDocument.Parse(Ok(args));
        return doc.RootElement.Clone();
    }

    private void AssertSameRuns(params string[] ignored)
    {
        AssertSame(Expected("ls.json"), Actual("ls", "--all", "--json"), "ls", ignored);
        foreach (var (file, run) in new[] { ("first.json", "first"), ("second.json", "second"), ("third.json", "7e63940525b045266b0ff436") })
            AssertSame(Expected(file), Actual("show", run, "--json"), file, ignored);
    }

    private static void AssertSame(JsonElement expected, JsonElement actual, string where, string[] ignored)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{where}: {expected.ValueKind} became {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).Where(n => !ignored.Contains(n)).Order(StringComparer.Ordinal).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).Where(n => !ignored.Contains(n) && !NewFields.Contains(n)).Order(StringComparer.Ordinal).ToList();
                Assert.True(expectedNames.SequenceEqual(actualNames), $"{where}: fields [{string.Join(", ", expectedNames)}] became [{string.Join(", ", actualNames)}]");
                foreach (var name in expectedNames)
                    AssertSame(expected.GetProperty(name), actual.GetProperty(name), $"{where}.{name}", ignored);
                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{where}: {expected.GetArrayLength()} items became {actual.GetArrayLength()}");
                foreach (var (e, a, i) in expected.EnumerateArray().Zip(actual.EnumerateArray()).Select((p, i) => (p.First, p.Second, i)))
                    AssertSame(e, a, $"{where}[{i}]", ignored);
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{where}: {expected.GetRawText()} became {actual.GetRawText()}");
                break;
        }
    }

    [Fact]
    public void A_schema_1_branch_reads_as_the_release_read_it()
    {
        AssertSameRuns();
        // Hidden by its 'deleted' mark, as before.
        Assert.Equal(2, JsonDocument.Parse(Ok("ls", "--json")).RootElement.GetArrayLength());
    }

    [Fact]
    public void Migrate_converts_in_one_commit_losing_nothing_and_says_what_it_did()
    {
        var before = _repo.Git("rev-parse", "gittrack/runs").Trim();
        var dry = Ok("migrate", "--dry-run");
        Assert.Contains("would rewrite 3 of 3 manifests", dry, StringComparison.Ordinal);
        Assert.Equal(before, _repo.Git("rev-parse", "gittrack/runs").Trim());

        var report = Ok("migrate");
        Assert.Contains("rewrote 3 of 3 manifests as schema 2", report, StringComparison.Ordinal);
        Assert.Contains("turned 1 'deleted' marks into hide edits", report, StringComparison.Ordinal);
        Assert.Contains("moved 3 code snapshots out of the tree", report, StringComparison.Ordinal);
        Assert.Equal(before, _repo.Git("rev-parse", "gittrack/runs~1").Trim());

        var tree = _repo.Git("ls-tree", "-r", "--name-only", "gittrack/runs");
        Assert.DoesNotContain("/code/", tree, StringComparison.Ordinal);
        Assert.DoesNotContain("/deleted", tree, StringComparison.Ordinal);
        Assert.Contains("/edits/", tree, StringComparison.Ordinal);
        Assert.Contains("README.md", tree, StringComparison.Ordinal);
        // Everything reads as before; only the schema each manifest was read with changed.
        AssertSameRuns("schema");
        Assert.Contains("already in the current format", Ok("migrate"), StringComparison.Ordinal);

        // The code snapshots left the tree but not the repository: a checkout restores them (second: it has no
        // artifact, whose bytes would be in the recording machine's cache, not in the bundle).
        var target = Path.Combine(_repo.Root, "..", "second-code");
        Ok("checkout", "second", "--worktree", target);
        Assert.EndsWith("y\n", File.ReadAllText(Path.Combine(target, "train.py")), StringComparison.Ordinal);
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(target, "data.txt")));
        var fsck = ProcessRunner.Run("git", ["fsck", "--strict", "--no-progress"], _repo.Root, _repo.Environment);
        Assert.True(fsck.ExitCode == 0, fsck.Stdout + fsck.Stderr);
    }
}
