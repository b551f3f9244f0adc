using System.Text.Json;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Tests.Runs;

/// <summary>The one JSON form of a run that <c>ls/show --json</c> and the web UI's API write.</summary>
public sealed class RunJsonTests
{
    private static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
            write(json);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void Record_keys_history_by_metric_and_writes_host_gpus_and_artifacts_as_objects()
    {
        var run = SampleRuns.Full();
        var history = MetricSummary.Of([new MetricPoint("val/loss", 0.9, 0, null), new MetricPoint("val/loss", double.NaN, 1, null)]);
        var removed = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

        var json = Write(w => RunJson.WriteRecord(w, run, history, ["child-1", "child-2"], removed));

        Assert.Equal(2, json.GetProperty("schema").GetInt32());
        Assert.Equal("failed", json.GetProperty("status").GetString());
        var loss = json.GetProperty("history").GetProperty("val/loss");
        Assert.Equal(2, loss.GetProperty("count").GetInt32());
        Assert.Equal(0.9, loss.GetProperty("max").GetDouble());
        Assert.Equal("nan", loss.GetProperty("last").GetString());
        Assert.Equal(["child-1", "child-2"], json.GetProperty("children").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal("2026-02-01T00:00:00.0000000Z", json.GetProperty("removed_at").GetString());
        var host = json.GetProperty("host");
        Assert.Equal(["Linux", "6.1", "x64"], new[] { "os", "kernel", "arch" }.Select(k => host.GetProperty(k).GetString()!));
        var gpu = host.GetProperty("gpus")[0];
        Assert.Equal(("H100", 81559, "550.54", "GPU-1"),
            (gpu.GetProperty("name").GetString(), gpu.GetProperty("memory_mib").GetInt32(), gpu.GetProperty("driver").GetString(), gpu.GetProperty("uuid").GetString()));
        Assert.Equal(JsonValueKind.Null, host.GetProperty("gpus")[1].GetProperty("driver").ValueKind);
        Assert.Equal(1234, json.GetProperty("process").GetProperty("pid").GetInt32());
        var artifact = json.GetProperty("artifacts")[0];
        Assert.Equal("models/model.zip", artifact.GetProperty("path").GetString());
        Assert.Equal(run.Artifacts[0].Key.ToString(), artifact.GetProperty("blake3").GetString());
        Assert.Equal(run.Log!.Key.ToString(), json.GetProperty("log").GetProperty("blake3").GetString());
        Assert.Equal("inf", json.GetProperty("metrics").GetProperty("grad").GetString());
    }

    [Fact]
    public void Summary_has_removed_at_only_for_a_hidden_run()
    {
        var run = SampleRuns.Full();
        var listed = Write(w => RunJson.WriteSummary(w, RunSummary.Of(run)));
        var hidden = Write(w => RunJson.WriteSummary(w, RunSummary.Of(run, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero))));

        Assert.False(listed.TryGetProperty("removed_at", out _));
        Assert.Equal("2026-02-01T00:00:00.0000000Z", hidden.GetProperty("removed_at").GetString());
        Assert.Equal("main", listed.GetProperty("source").GetProperty("branch").GetString());
        Assert.Equal("first try", listed.GetProperty("note").GetString());
        Assert.Equal(10, listed.GetProperty("params").GetProperty("epochs").GetInt32());
    }
}
