using System.Text;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Capture;

public sealed class EventsFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gittrack-events-").FullName;
    private readonly string _path;

    public EventsFileReaderTests() => _path = Path.Combine(_dir, "events.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Append(string text) => File.AppendAllText(_path, text, new UTF8Encoding(false));

    private EventBatch ReadAll(string text, bool final = true)
    {
        Append(text);
        using var reader = new EventsFileReader(_path);
        return reader.ReadNew(final);
    }

    [Fact]
    public void A_missing_events_file_reads_as_empty()
    {
        using var reader = new EventsFileReader(_path);
        Assert.True(reader.ReadNew().IsEmpty);
        Append("{\"type\":\"metric\",\"name\":\"loss\",\"value\":1}\n");
        Assert.Single(reader.ReadNew().Metrics);
    }

    [Fact]
    public void Every_event_type_is_read()
    {
        var batch = ReadAll("""
            {"type":"metric","name":"loss","value":0.41,"step":3}
            {"type":"metric","name":"acc","value":1,"timestamp":1700000000.5}
            {"type":"metric","name":"acc","value":2,"timestamp":"2026-01-02T03:04:05Z","step":4.0}
            {"type":"param","name":"lr","value":0.01}
            {"type":"param","name":"epochs","value":10}
            {"type":"param","name":"opt","value":"adam"}
            {"type":"param","name":"nesterov","value":true}
            {"type":"param","name":"sizes","value":[1, 2, {"a": "b"}]}
            {"type":"tag","name":"stage","value":"dev"}
            {"type":"tag","name":"round","value":2}
            {"type":"artifact","path":"model.zip"}

            """);
        Assert.Empty(batch.Problems);
        Assert.Equal(11, batch.Lines);
        Assert.Equal(
            [new MetricPoint("loss", 0.41, 3, null),
             new MetricPoint("acc", 1, null, DateTimeOffset.FromUnixTimeMilliseconds(1700000000500)),
             new MetricPoint("acc", 2, 4, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero))],
            batch.Metrics);
        Assert.Equal(
            [new("lr", 0.01), new("epochs", 10L), new("opt", "adam"), new("nesterov", true), new KeyValuePair<string, object>("sizes", "[1,2,{\"a\":\"b\"}]")],
            batch.Params);
        Assert.IsType<long>(batch.Params[1].Value);
        Assert.Equal([new("stage", "dev"), new KeyValuePair<string, string>("round", "2")], batch.Tags);
        Assert.Equal(["model.zip"], batch.Artifacts);
    }

    [Fact]
    public void An_error_event_gives_the_last_message_and_one_without_a_message_is_reported()
    {
        var batch = ReadAll("""
            {"type":"error","message":"first"}
            {"type":"error"}
            {"type":"error","message":"CUDA out of memory"}

            """);
        Assert.Equal("CUDA out of memory", batch.Error);
        var problem = Assert.Single(batch.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("error without a \"message\"", problem.Message);

        var accumulator = new EventAccumulator();
        accumulator.Apply(batch);
        accumulator.Apply(new EventBatch());
        Assert.Equal("CUDA out of memory", accumulator.Error);
    }

    [Fact]
    public void Lines_in_the_clients_shape_read_exactly_as_the_general_parser_reads_them()
    {
        // The first form takes the clients' fast path; the same line with one space after "type": does not.
        string[] lines =
        [
            """{"type":"metric","name":"loss","value":0.5,"step":3,"timestamp":1767225600.125}""",
            """{"type":"metric","name":"loss","value":-0,"step":-2}""",
            """{"type":"metric","name":"val/acc","value":1e999,"timestamp":1767225600}""",
            """{"type":"metric","name":"lr","value":1.5E-3}""",
            """{"type":"metric","name":"héllo","value":2,"step":0}""",
            """{"type":"metric","name":"a\"b","value":1}""",
            """{"type":"metric","name":"x","value":01}""",
            """{"type":"metric","name":"x","value":1.}""",
            """{"type":"metric","name":"x","value":1,"step":2.5}""",
            """{"type":"metric","name":"x","value":1,"step":3.0}""",
            """{"type":"metric","name":"x","value":1,"timestamp":-5}""",
            """{"type":"metric","name":"x","value":1,"value":2}""",
            """{"type":"metric","name":"x","value":1}{"type":"metric","name":"y","value":1}""",
            """{"type":"metric","name":"","value":1}""",
            """{"type":"metric","name":"x","value":NaN,"step":1}""",
        ];
        var fast = ReadLines(lines, "fast");
        var general = ReadLines(lines.Select(l => l.Replace("{\"type\":\"metric\",", "{\"type\": \"metric\",")).ToArray(), "general");

        Assert.Equal(general.Metrics, fast.Metrics);
        // The same problems on the same lines (byte positions differ by the space).
        static IEnumerable<(long, string)> WithoutPositions(EventBatch b) =>
            b.Problems.Select(p => (p.Line, System.Text.RegularExpressions.Regex.Replace(p.Message, "at byte [0-9]+", "")));
        Assert.Equal(WithoutPositions(general), WithoutPositions(fast));
        Assert.Equal(7, fast.Problems.Count);
        Assert.Equal(9, fast.Metrics.Count);
        Assert.Equal(double.PositiveInfinity, fast.Metrics[2].Value);
        Assert.Equal("a\"b", fast.Metrics[5].Name);
        Assert.Same(fast.Metrics[0].Name, fast.Metrics[1].Name);
    }

    private EventBatch ReadLines(string[] lines, string name)
    {
        var path = Path.Combine(_dir, name + ".jsonl");
        var bytes = new List<byte>();
        foreach (var line in lines)
            bytes.AddRange(Encoding.UTF8.GetBytes(line + "\n"));
        // A name with bytes that are not UTF-8 is reported on both paths.
        bytes.AddRange("{\"type\":\"metric\",\"name\":\"\xff\",\"value\":1}\n"u8.ToArray() is var raw ? Patch(raw, name == "general") : []);
        File.WriteAllBytes(path, bytes.ToArray());
        using var reader = new EventsFileReader(path);
        return reader.ReadNew(final: true);
    }

    private static byte[] Patch(byte[] line, bool general)
    {
        var text = line.ToList();
        int index = text.IndexOf((byte)0xC3); // "\xff" was encoded as C3 BF: make it the lone byte FF
        text[index] = 0xFF;
        text.RemoveAt(index + 1);
        if (general)
            text.Insert(8, (byte)' ');
        return [.. text];
    }

    [Fact]
    public void Python_bare_nan_and_infinities_are_legal_metric_values()
    {
        var batch = ReadAll("""
            {"type": "metric", "name": "loss", "value": NaN, "step": 1}
            {"type": "metric", "name": "loss", "value": Infinity}
            {"type": "metric", "name": "loss", "value": -Infinity}
            {"type": "metric", "name": "loss", "value": "nan"}
            {"type": "metric", "name": "loss", "value": "-inf"}
            {"type": "metric", "name": "loss", "value": "Infinity"}
            {"type": "metric", "name": "NaN Infinity", "value": 1e999}
            {"type": "param", "name": "p", "value": NaN}
            {"type": "param", "name": "s", "value": "NaN"}
            """);
        Assert.Empty(batch.Problems);
        Assert.Equal([double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.NegativeInfinity,
            double.PositiveInfinity, double.PositiveInfinity], batch.Metrics.Select(m => m.Value));
        Assert.Equal("NaN Infinity", batch.Metrics[6].Name);
        Assert.Equal(double.NaN, batch.Params[0].Value);
        Assert.Equal("NaN", batch.Params[1].Value);
    }

    [Fact]
    public void Malformed_lines_are_reported_with_their_line_numbers_and_the_rest_kept()
    {
        var batch = ReadAll("""
            {"type":"metric","name":"loss","value":1}
            this is not json
            {"type":"metric","name":"loss","value":"high"}
            {"type":"metric","name":"loss"}
            {"type":"metric","value":3}
            {"type":"metric","name":"loss","value":true}
            {"type":"metric","name":"loss","value":2,"step":1.5}
            {"type":"metric","name":"loss","value":2,"timestamp":"yesterday"}
            {"name":"loss","value":2}
            {"type":"histogram","name":"w"}
            [1, 2]
            {"type":"artifact"}
            {"type":"param","name":"lr","value":null}
            {"type":"metric","name":"loss","value":1} trailing
            {"type":"metric","name":"loss","value":NaNa}
            {"type":"metric","name":"loss","value":4,"step":2}
            """);
        Assert.Equal([new MetricPoint("loss", 1, null, null), new MetricPoint("loss", 4, 2, null)], batch.Metrics);
        Assert.Equal(Enumerable.Range(2, 14).Select(i => (long)i), batch.Problems.Select(p => p.Line));
        Assert.Contains("invalid JSON", batch.Problems[0].Message);
        Assert.Equal("metric \"loss\" has a non-numeric value \"high\"", batch.Problems[1].Message);
        Assert.Equal("metric \"loss\" has no \"value\"", batch.Problems[2].Message);
        Assert.Equal("metric without a \"name\" string", batch.Problems[3].Message);
        Assert.Contains("non-numeric", batch.Problems[4].Message);
        Assert.Contains("\"step\" must be an integer", batch.Problems[5].Message);
        Assert.Contains("\"timestamp\"", batch.Problems[6].Message);
        Assert.Equal("missing \"type\"", batch.Problems[7].Message);
        Assert.Contains("unknown event type \"histogram\"", batch.Problems[8].Message);
        Assert.Equal("not a JSON object", batch.Problems[9].Message);
        Assert.Contains("\"path\"", batch.Problems[10].Message);
        Assert.Contains("no value", batch.Problems[11].Message);
        Assert.Contains("invalid JSON", batch.Problems[12].Message);
        Assert.Contains("invalid JSON", batch.Problems[13].Message);
        Assert.Equal("events line 2: " + batch.Problems[0].Message, batch.Problems[0].ToString());
    }

    [Fact]
    public void Only_complete_lines_are_read_until_the_child_ends()
    {
        using var reader = new EventsFileReader(_path);
        Append("{\"type\":\"metric\",\"name\":\"a\",\"value\":1}\n{\"type\":\"metric\",\"na");
        var first = reader.ReadNew();
        Assert.Single(first.Metrics);
        Assert.Empty(first.Problems);

        Append("me\":\"b\",\"value\":2}\n{\"type\":\"metric\",\"name\":\"c\",\"value\":3}");
        var second = reader.ReadNew();
        Assert.Equal(["b"], second.Metrics.Select(m => m.Name));
        Assert.True(reader.ReadNew().IsEmpty);

        var last = reader.ReadNew(final: true);
        Assert.Equal(["c"], last.Metrics.Select(m => m.Name));
        Assert.Equal(3, reader.LinesRead);

        Append("\n{\"type\":\"metric\",\"name\":\"d\",\"value\":4}\nbad\n");
        var after = reader.ReadNew();
        Assert.Equal(["d"], after.Metrics.Select(m => m.Name));
        Assert.Equal(6, Assert.Single(after.Problems).Line);
    }

    [Fact]
    public void A_truncated_events_file_is_reported_and_read_again_from_its_start()
    {
        using var reader = new EventsFileReader(_path);
        Append("{\"type\":\"metric\",\"name\":\"a\",\"value\":1}\n{\"type\":\"metric\",\"name\":\"a\",\"value\":2}\n");
        Assert.Equal(2, reader.ReadNew().Metrics.Count);
        File.WriteAllText(_path, "{\"type\":\"metric\",\"name\":\"b\",\"value\":3}\n");
        var batch = reader.ReadNew();
        Assert.Equal(["b"], batch.Metrics.Select(m => m.Name));
        Assert.Contains("truncated", Assert.Single(batch.Problems).Message);
    }

    [Fact]
    public void Windows_line_ends_blank_lines_and_a_byte_order_mark_are_accepted()
    {
        File.WriteAllBytes(_path, [0xEF, 0xBB, 0xBF, .. "{\"type\":\"metric\",\"name\":\"a\",\"value\":1}\r\n\r\n  \n{\"type\":\"tag\",\"name\":\"t\"}\r\n"u8]);
        using var reader = new EventsFileReader(_path);
        var batch = reader.ReadNew();
        Assert.Empty(batch.Problems);
        Assert.Single(batch.Metrics);
        Assert.Equal("t", Assert.Single(batch.Tags).Key);
        Assert.Equal(4, batch.Lines);
    }

    [Fact]
    public void A_line_with_invalid_utf8_is_reported_and_the_rest_kept()
    {
        File.WriteAllBytes(_path, [.. "{\"type\":\"tag\",\"name\":\"t\",\"value\":\"a"u8, 0xFF, 0xFE, .. "\"}\n{\"type\":\"metric\",\"name\":\"n"u8, 0xC3,
            .. "\",\"value\":1}\n{\"type\":\"metric\",\"name\":\"ok\",\"value\":2}\n"u8]);
        using var reader = new EventsFileReader(_path);
        var batch = reader.ReadNew();
        Assert.Equal(["ok"], batch.Metrics.Select(m => m.Name));
        Assert.Equal([1L, 2L], batch.Problems.Select(p => p.Line));
        Assert.All(batch.Problems, p => Assert.Equal("a string is not valid UTF-8", p.Message));
    }

    [Fact]
    public void Metric_names_are_interned_and_escapes_decoded()
    {
        var batch = ReadAll("{\"type\":\"metric\",\"name\":\"val/loss\",\"value\":1}\n{\"type\":\"metric\",\"name\":\"val\\/loss\",\"value\":2}\n{\"type\":\"metric\",\"name\":\"val/loss\",\"value\":3}\n{\"type\":\"metric\",\"name\":\"pérte\",\"value\":3}\n");
        Assert.All(batch.Metrics.Take(3), m => Assert.Equal("val/loss", m.Name));
        Assert.Same(batch.Metrics[0].Name, batch.Metrics[2].Name);
        Assert.Same(batch.Metrics[0].Name, batch.Metrics[1].Name);
        Assert.Equal("pérte", batch.Metrics[3].Name);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_reported_and_skipped()
    {
        var sb = new StringBuilder("{\"type\":\"metric\",\"name\":\"a\",\"value\":1}\n{\"type\":\"tag\",\"name\":\"x\",\"value\":\"");
        sb.Append('x', EventsFileReader.MaxLineBytes + 10);
        sb.Append("\"}\n{\"type\":\"metric\",\"name\":\"b\",\"value\":2}\n");
        var batch = ReadAll(sb.ToString());
        Assert.Equal(["a", "b"], batch.Metrics.Select(m => m.Name));
        Assert.Equal(2, Assert.Single(batch.Problems).Line);
        Assert.Empty(batch.Tags);
    }

    [Fact]
    public void A_flood_of_bad_lines_lists_the_first_hundred_and_counts_the_rest()
    {
        var batch = ReadAll(string.Concat(Enumerable.Repeat("nope\n", 250)));
        Assert.Equal(100, batch.Problems.Count);
        Assert.Equal(150, batch.UnlistedProblems);
    }

    [SkippableFact]
    public void Lines_written_by_python_json_dumps_are_read()
    {
        Requirement.That(File.Exists("/usr/bin/python3"), "python3 not installed");
        var script = """
            import json, sys
            with open(sys.argv[1], "a") as f:
                for step, v in enumerate([0.5, float("nan"), float("inf"), -float("inf")]):
                    f.write(json.dumps({"type": "metric", "name": "loss", "value": v, "step": step}) + "\n")
                f.write(json.dumps({"type": "param", "name": "lr", "value": 1e-3}) + "\n")
                f.write(json.dumps({"type": "tag", "name": "note", "value": "é \"quoted\""}) + "\n")
            """;
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script, _path]);
        using (var process = System.Diagnostics.Process.Start(psi)!)
            process.WaitForExit();
        using var reader = new EventsFileReader(_path);
        var batch = reader.ReadNew(final: true);
        Assert.Empty(batch.Problems);
        Assert.Equal([0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity], batch.Metrics.Select(m => m.Value));
        Assert.Equal([0L, 1L, 2L, 3L], batch.Metrics.Select(m => m.Step!.Value));
        Assert.Equal(1e-3, batch.Params.Single().Value);
        Assert.Equal("é \"quoted\"", batch.Tags.Single().Value);
    }

    /// <summary>Reads on another thread and fails, rather than hangs, when a read does not come back.</summary>
    private static EventBatch ReadWithin(EventsFileReader reader, bool final = true)
    {
        var read = Task.Run(() => reader.ReadNew(final));
        Assert.True(read.Wait(TimeSpan.FromSeconds(30)), "the read did not come back: it blocked or read without end");
        return read.Result;
    }

    private void MakeFifo()
    {
        var result = ProcessRunner.Run("mkfifo", [_path], _dir);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [SkippableFact]
    public void A_fifo_in_place_of_the_events_file_is_refused_once_without_blocking()
    {
        Requirement.That(OperatingSystem.IsLinux(), "named pipes as Linux makes them");
        MakeFifo();
        using var reader = new EventsFileReader(_path);

        var first = ReadWithin(reader);
        Assert.Contains("replaced by a named pipe (FIFO), which is not read", Assert.Single(first.Notices), StringComparison.Ordinal);
        Assert.False(first.IsEmpty);
        Assert.True(ReadWithin(reader).IsEmpty); // said once
    }

    [SkippableFact]
    public void A_link_to_dev_zero_in_place_of_the_events_file_is_not_read()
    {
        Requirement.That(File.Exists("/dev/zero"), "needs /dev/zero");
        File.CreateSymbolicLink(_path, "/dev/zero");
        using var reader = new EventsFileReader(_path);

        var batch = ReadWithin(reader);
        Assert.Contains("replaced by a symbolic link", Assert.Single(batch.Notices), StringComparison.Ordinal);
        Assert.Empty(batch.Problems);
        Assert.Equal(0, reader.LinesRead);
    }

    [SkippableFact]
    public void An_open_events_file_replaced_by_a_fifo_is_still_read_and_the_fifo_is_refused_once()
    {
        Requirement.That(OperatingSystem.IsLinux(), "named pipes as Linux makes them");
        Append("{\"type\":\"metric\",\"name\":\"loss\",\"value\":1}\n");
        using var reader = new EventsFileReader(_path);
        reader.Open();
        using (var writer = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            File.Delete(_path);
            MakeFifo();
            writer.Write("{\"type\":\"metric\",\"name\":\"loss\",\"value\":2}\n"u8);
        }

        var batch = ReadWithin(reader);
        Assert.Equal([1.0, 2.0], batch.Metrics.Select(m => m.Value));
        Assert.Contains("named pipe (FIFO)", Assert.Single(batch.Notices), StringComparison.Ordinal);
        Assert.True(ReadWithin(reader).IsEmpty);
    }

    [Fact]
    public void An_events_file_replaced_by_another_file_is_read_from_its_start_after_the_old_one()
    {
        Append("{\"type\":\"metric\",\"name\":\"a\",\"value\":1}\n");
        using var reader = new EventsFileReader(_path);
        reader.Open();
        var next = Path.Combine(_dir, "next.jsonl");
        File.WriteAllText(next, "{\"type\":\"metric\",\"name\":\"b\",\"value\":2}\n");
        File.Move(next, _path, overwrite: true);

        var batch = ReadWithin(reader);
        Assert.Equal(["a", "b"], batch.Metrics.Select(m => m.Name));
        Assert.Contains("replaced by another file", Assert.Single(batch.Notices), StringComparison.Ordinal);
    }
}
