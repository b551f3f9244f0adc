using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// A run whose name, tags, params, metric names and note carry terminal control characters (as a push from someone
/// else can): nothing a human reads (show, ls, compare, diff, best, errors, warnings) prints one raw, and the JSON output
/// keeps every value exact.
/// </summary>
public sealed class TerminalEscapingTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    // ESC sequences that recolour or clear the screen, CR that rewrites a line, a newline in a key, NUL, DEL, a C1 CSI,
    // an OSC that retitles the terminal, and a right-to-left override that makes text read backwards.
    private const string Name = "evil\u202Egnp.exe";
    private const string TagKey = "k\u001b[31mred";
    private const string TagValue = "v\rOK";
    private const string ParamKey = "p\nq";
    private const string ParamValue = "\u001b]0;owned\u0007";
    private const string Metric = "m\u009b2J";
    private const string Note = "note\u001b[2J\0end\u007f";

    private (RunRecord Evil, RunRecord Plain) Seed()
    {
        var evil = RunSeeder.Add(_repo, r => r with
        {
            Name = Name,
            Note = Note,
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { [TagKey] = TagValue },
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { [ParamKey] = ParamValue, ["lr"] = 0.1 },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { [Metric] = 1.5, ["loss"] = 0.2 },
        }, [new MetricPoint(Metric, 1.0, 0, null), new MetricPoint(Metric, 1.5, 1, null), new MetricPoint("loss", 0.2, 1, null)]);
        var plain = RunSeeder.Add(_repo, r => r with
        {
            Name = "plain",
            StartedAt = RunSeeder.T0.AddMinutes(5),
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["lr"] = 0.5 },
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = 0.3 },
        });
        return (evil, plain);
    }

    public static TheoryData<string> Commands => new() { "show", "ls", "ls-columns", "compare", "diff", "best" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Human_output_never_carries_a_raw_control_character(string command)
    {
        var (evil, plain) = Seed();
        string[] args = command switch
        {
            "show" => ["show", evil.Id],
            "ls" => ["ls"],
            "ls-columns" => ["ls", "--columns", "name,params.*,metrics.*,tags.*"],
            "compare" => ["compare", evil.Id, plain.Id],
            "diff" => ["diff", evil.Id, plain.Id, "--all"],
            _ => ["best", "--metric", "loss", "--top", "2"],
        };

        var result = GitTrackProcess.Run(_repo, args);

        Assert.True(result.ExitCode == 0, result.Stderr);
        AssertNoRawControl(result.Stdout + result.Stderr);
        // The characters are shown escaped, so the user sees that they are there.
        Assert.Contains("evil\\u202egnp.exe", result.Stdout, StringComparison.Ordinal);
        if (command is not ("ls" or "best"))
            Assert.Contains("\\e[31mred", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_escapes_each_kind_of_control_character_as_git_would_show_it()
    {
        var (evil, _) = Seed();

        var show = GitTrackProcess.Run(_repo, "show", evil.Id).Stdout;

        Assert.Contains("note        note\\e[2J\\x00end\\x7f", show, StringComparison.Ordinal);
        Assert.Contains("  p\\nq = \\e]0;owned\\x07", show, StringComparison.Ordinal);
        Assert.Contains("  k\\e[31mred = v\\rOK", show, StringComparison.Ordinal);
        Assert.Contains("m\\u009b2J", show, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_keeps_the_values_exact()
    {
        var (evil, _) = Seed();

        using var show = JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", evil.Id, "--json").Stdout);
        using var ls = JsonDocument.Parse(GitTrackProcess.Run(_repo, "ls", "--json").Stdout);

        var run = show.RootElement;
        Assert.Equal(Name, run.GetProperty("name").GetString());
        Assert.Equal(Note, run.GetProperty("note").GetString());
        Assert.Equal(TagValue, run.GetProperty("tags").GetProperty(TagKey).GetString());
        Assert.Equal(ParamValue, run.GetProperty("params").GetProperty(ParamKey).GetString());
        Assert.Equal(1.5, run.GetProperty("metrics").GetProperty(Metric).GetDouble());
        Assert.Contains(ls.RootElement.EnumerateArray(), r => r.GetProperty("name").GetString() == Name);
    }

    [Fact]
    public void Errors_and_warnings_escape_what_they_quote()
    {
        Seed();
        var missing = GitTrackProcess.Run(_repo, "show", "nope\u001b[31m\u202e");
        var badTag = GitTrackProcess.Run(_repo, "tag", "plain", "a\u001b[2Jb=1\n2");

        Assert.Equal(2, missing.ExitCode);
        AssertNoRawControl(missing.Stderr);
        Assert.Contains("nope\\e[31m\\u202e", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badTag.ExitCode);
        AssertNoRawControl(badTag.Stderr);
    }

    private static void AssertNoRawControl(string text)
    {
        // Its own list (not TerminalText's), so the test says what a terminal acts on whatever the code under test thinks.
        static bool Unsafe(char c) => (c < ' ' && c != '\n') || c is >= '\u007f' and <= '\u009f' || c is '\u061c' or '\u200e' or '\u200f'
            || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069' || c is '\u2028' or '\u2029';
        var bad = text.Select((c, i) => (c, i)).Where(p => Unsafe(p.c)).ToArray();
        Assert.True(bad.Length == 0,
            $"raw control characters {string.Join(", ", bad.Select(p => $"U+{(int)p.c:X4} at {p.i}"))} in:\n{string.Concat(text.Select(c => Unsafe(c) ? $"<{(int)c:X}>" : c.ToString()))}");
    }
}
