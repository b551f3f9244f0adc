using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// RFC 4180 quoting checked against Python's csv module (the reader pandas users meet first) on hostile values:
/// every field must read back exactly, whatever quotes, separators, line ends, edge spaces or control characters it
/// holds; written by the CSV writer the commands use, and by the real <c>gittrack export</c> from a run's record.
/// </summary>
public sealed class CsvHostileValuesTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    public static readonly string[] Hostile =
    [
        "", " ", "  ", " lead", "trail ", "\t", "\ttab", "a,b", ",", ",,", "\"", "\"\"", "\"quoted\"", "a\"b", "\"start", "end\"",
        "\n", "\r", "\r\n", "\n\r", "one\ntwo", "one\rtwo", "one\r\ntwo", "trailing\r\n", "\"\r\n\"", "a,\"b\",c\nd",
        "=SUM(A1:A2)", "+1", "-1", "@cmd", "#comment", "'quote", "\\", "\\\"", "esc\u001b[31mred", "bell\u0007", "del\u007f",
        "ünïcödé", "日本語", "emoji 🙂", "zero\u200bwidth", "nbsp\u00a0", "sep;semi", "pipe|bar", "null-ish: None", "nan", "inf",
    ];

    private static string Python(string script, string file)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gittrack-csv-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var result = ProcessRunner.Run("python3", [path, file], Path.GetTempPath(), new Dictionary<string, string>());
            Assert.True(result.ExitCode == 0, result.Stderr);
            return result.Stdout;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The rows of <paramref name="file"/> as Python's csv.reader reads them.</summary>
    private static string[][] ReadWithPython(string file) =>
        JsonSerializer.Deserialize<string[][]>(Python("""
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                print(json.dumps(list(csv.reader(f))))
            """, file))!;

    [SkippableFact]
    public void Every_hostile_field_reads_back_exactly_in_pythons_csv_module()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        var file = _repo.PathOf("hostile.csv");
        using (var output = new StreamWriter(file, false, new System.Text.UTF8Encoding(false)))
        {
            // One field a row, then all of them in one row, then each beside neighbours on both sides.
            foreach (var value in Hostile)
                Csv.WriteRow(output, [value]);
            Csv.WriteRow(output, Hostile);
            foreach (var value in Hostile)
                Csv.WriteRow(output, ["left", value, "right"]);
        }
        var rows = ReadWithPython(file);

        var expected = new List<string[]>();
        // A row of one empty field is written as an empty line, which csv.reader reads as a row of no fields.
        expected.AddRange(Hostile.Select(v => v.Length == 0 ? Array.Empty<string>() : [v]));
        expected.Add(Hostile);
        expected.AddRange(Hostile.Select(v => new[] { "left", v, "right" }));
        Assert.Equal(expected.Count, rows.Length);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], rows[i]);
    }

    [SkippableFact]
    public void Export_of_a_run_with_hostile_names_params_and_tags_reads_back_exactly()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        var values = Hostile.Where(v => v.Trim().Length > 0 && !v.Any(char.IsControl)).ToArray();
        RunSeeder.Add(_repo, r => r with
        {
            Name = "run, \"1\"",
            Note = "a note\r\nwith \"quotes\", commas\nand lines",
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal)
                { ["text"] = string.Join("|", values), ["edge"] = " both ", ["quote"] = "\"" },
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["t,1"] = "x\"y", ["t2"] = "a\nb" },
        });
        var result = GitTrackProcess.Run(_repo, "export", "--format", "csv", "-o", "runs.csv");
        Assert.True(result.ExitCode == 0, result.Stderr);

        var rows = JsonSerializer.Deserialize<Dictionary<string, string>[]>(Python("""
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                print(json.dumps(list(csv.DictReader(f))))
            """, _repo.PathOf("runs.csv")))!;
        var row = Assert.Single(rows);
        Assert.Equal("run, \"1\"", row["name"]);
        Assert.Equal("a note\r\nwith \"quotes\", commas\nand lines", row["note"]);
        Assert.Equal(string.Join("|", values), row["params.text"]);
        Assert.Equal(" both ", row["params.edge"]);
        Assert.Equal("\"", row["params.quote"]);
        Assert.Equal("x\"y", row["tags.t,1"]);
        Assert.Equal("a\nb", row["tags.t2"]);
    }
}
