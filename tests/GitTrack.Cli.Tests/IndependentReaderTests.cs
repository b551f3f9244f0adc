using System.Globalization;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// docs/format.md is enough to read a run without GitTrack: TestData/reader/read_run.py, written from the document
/// alone (git ls-tree / cat-file, tomllib, struct), reads a run recorded and edited by the real gittrack and must give
/// what <c>gittrack show --json</c> and <c>gittrack export --history</c> give: name, note, hidden, params, metrics,
/// tags (manifest and edits folded by the documented rule), and every history point over several segments.
/// </summary>
public sealed class IndependentReaderTests : IDisposable
{
    private static readonly string Reader = Path.Combine(AppContext.BaseDirectory, "TestData", "reader", "read_run.py");
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Ok(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private JsonElement Independent(string id)
    {
        var result = ProcessRunner.Run(RunsOnBranch.TomllibPythonPath, [Reader, _repo.Root, id], _repo.Root, _repo.Environment);
        Assert.True(result.ExitCode == 0, "the independent reader failed: " + result.Stderr);
        return Parse(result.Stdout);
    }

    [Fact]
    public void A_reader_written_from_the_format_document_gives_what_show_and_export_give()
    {
        // Two metrics over two segments (70,000 points of "x" with steps going back and forth), one without steps, a NaN,
        // params of every type, a tag key outside the BMP and one in U+E000..U+FFFF (code point vs UTF-16 order).
        _repo.WriteFile("log.py", """
            import json, os
            with open(os.environ["GITTRACK_EVENTS"], "a") as f:
                for i in range(70000):
                    step = i if i % 7 else -i
                    f.write(json.dumps({"type": "metric", "name": "x", "value": i / 3, "step": step, "timestamp": 1767225600 + i * 0.0015}) + "\n")
                f.write(json.dumps({"type": "metric", "name": "val/loss", "value": 0.5}) + "\n")
                f.write('{"type":"metric","name":"val/loss","value":NaN}\n')
                f.write(json.dumps({"type": "metric", "name": "val/loss", "value": 0.25, "timestamp": "2026-01-02T03:04:05.6789Z"}) + "\n")
                for name, value in [("lr", 0.001), ("epochs", 10), ("amp", True), ("opt", "adam"), ("model.depth", 6)]:
                    f.write(json.dumps({"type": "param", "name": name, "value": value}) + "\n")
            """);
        _repo.Commit("log");
        Ok("run", "-n", "first", "--tag", "team=vision", "--tag", "\U0001F600=emoji", "--tag", "\uFF21=fullwidth", "--note", "at start", "--", "python3", "log.py");
        var id = Parse(Ok("ls", "--json"))[0].GetProperty("id").GetString()!;
        Ok("tag", id, "stage=2", "old=1");
        Ok("untag", id, "old");
        Ok("rename", id, "baseline");
        Ok("note", id, "lr too high");
        Ok("rm", id);
        Ok("restore", id);
        Ok("tag", id, "team=audio");

        CompareWithGittrack(id, hidden: false);
        Ok("rm", id);
        CompareWithGittrack(id, hidden: true);
    }

    private void CompareWithGittrack(string id, bool hidden)
    {
        var mine = Independent(id);
        var show = Parse(Ok("show", id, "--json"));

        Assert.Equal(show.GetProperty("name").GetString(), mine.GetProperty("name").GetString());
        Assert.Equal(show.GetProperty("note").GetString(), mine.GetProperty("note").GetString());
        Assert.Equal(hidden, mine.GetProperty("hidden").GetBoolean());
        Assert.Equal(hidden, show.GetProperty("removed_at").ValueKind != JsonValueKind.Null);
        if (hidden)
            Assert.Equal(DateTimeOffset.Parse(show.GetProperty("removed_at").GetString()!, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(mine.GetProperty("removed_at").GetString()!, CultureInfo.InvariantCulture));
        foreach (var field in new[] { "params", "metrics", "tags", "history" })
            Assert.Equal(Canonical(show.GetProperty(field)), Canonical(mine.GetProperty(field)));
        Assert.Equal("audio", mine.GetProperty("tags").GetProperty("team").GetString());
        Assert.False(mine.GetProperty("tags").TryGetProperty("old", out _));
        Assert.Equal(70_000, mine.GetProperty("points").GetProperty("x").GetArrayLength());

        if (hidden)
            return; // export leaves hidden runs out; the points were compared while the run was shown
        // Every point, per metric in logging order, as export --history gives it.
        var exported = Ok("export", "--format", "jsonl", "--history").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(Parse).GroupBy(p => p.GetProperty("metric").GetString()!);
        var expected = exported.ToDictionary(g => g.Key, g => g.Select(p => Point(
            p.GetProperty("step").ValueKind == JsonValueKind.Null ? null : p.GetProperty("step").GetInt64(),
            p.GetProperty("timestamp").ValueKind == JsonValueKind.Null ? null
                : DateTimeOffset.Parse(p.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            Canonical(p.GetProperty("value")))).ToList());
        var read = mine.GetProperty("points").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.EnumerateArray().Select(p => Point(
            p[0].ValueKind == JsonValueKind.Null ? null : p[0].GetInt64(),
            p[1].ValueKind == JsonValueKind.Null ? null : p[1].GetInt64(),
            Canonical(p[2]))).ToList());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, points) in expected)
            Assert.Equal(points, read[metric]);
    }

    private static string Point(long? step, long? ms, string value) => $"{step?.ToString(CultureInfo.InvariantCulture) ?? "-"} {ms?.ToString(CultureInfo.InvariantCulture) ?? "-"} {value}";

    /// <summary>A JSON value with object keys sorted and numbers as doubles' round-trip text, so 1 and 1.0 compare equal.</summary>
    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => "\"" + p.Name + "\"" + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        JsonValueKind.Number => element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => element.GetRawText(),
    };
}
