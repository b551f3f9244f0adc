using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Runs;

public sealed class ManifestTomlTests
{
    [Fact]
    public void Manifest_round_trips_every_field()
    {
        var run = SampleRuns.Full();
        var back = ManifestToml.Read(ManifestToml.Write(run), "test");

        Assert.Equal(run.Id, back.Id);
        Assert.Equal(run.Name, back.Name);
        Assert.Equal(run.Status, back.Status);
        Assert.Equal(run.ExitCode, back.ExitCode);
        Assert.Equal(run.Error, back.Error);
        // Microseconds are kept (what Python's tomllib keeps); ticks below that are not.
        Assert.Equal(run.StartedAt.UtcTicks / 10, back.StartedAt.UtcTicks / 10);
        Assert.Equal(run.EndedAt, back.EndedAt);
        Assert.Equal(run.Command, back.Command);
        Assert.Equal(run.WorkingDirectory, back.WorkingDirectory);
        Assert.Equal(run.Note, back.Note);
        Assert.Equal(run.Parent, back.Parent);
        Assert.Equal(run.Source with { SkippedFiles = [] }, back.Source with { SkippedFiles = [] });
        Assert.Equal(run.Source.SkippedFiles, back.Source.SkippedFiles);
        Assert.Equal(run.Process, back.Process);
        Assert.Equal(run.Host! with { Gpus = [] }, back.Host! with { Gpus = [] });
        Assert.Equal(run.Host!.Gpus, back.Host.Gpus);
        Assert.Equal(run.Runtimes, back.Runtimes);
        Assert.Equal(run.Environment, back.Environment);
        Assert.Equal(run.Params, back.Params);
        Assert.Equal(run.Metrics.Keys, back.Metrics.Keys);
        Assert.True(double.IsNaN(back.Metrics["val/loss"]));
        Assert.Equal(double.PositiveInfinity, back.Metrics["grad"]);
        Assert.Equal(double.NegativeInfinity, back.Metrics["neg"]);
        Assert.Equal(run.Tags, back.Tags);
        Assert.Equal(run.Artifacts, back.Artifacts);
        Assert.Equal(run.Log, back.Log);
    }

    [Fact]
    public void Params_keep_their_types()
    {
        var back = ManifestToml.Read(ManifestToml.Write(SampleRuns.Full()), "test");
        Assert.IsType<long>(back.Params["epochs"]);
        Assert.IsType<double>(back.Params["lr"]);
        Assert.IsType<double>(back.Params["whole"]);
        Assert.IsType<bool>(back.Params["use_gpu"]);
        Assert.IsType<string>(back.Params["optimizer"]);
    }

    [Fact]
    public void Writing_is_deterministic_with_sorted_keys()
    {
        var run = SampleRuns.Full();
        var text = ManifestToml.Write(run);
        Assert.Equal(text, ManifestToml.Write(run));
        Assert.StartsWith("schema = 1\n", text, StringComparison.Ordinal);
        var paramsSection = text[text.IndexOf("[params]", StringComparison.Ordinal)..text.IndexOf("[metrics]", StringComparison.Ordinal)];
        var keys = paramsSection.Split('\n').Skip(1).Where(l => l.Contains(" = ", StringComparison.Ordinal)).ToArray();
        Assert.Equal("big = 1e+300", keys[0]);
        Assert.Contains("\"model.max_depth\" = 6", paramsSection, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Python_tomllib_reads_written_manifests_with_dotted_keys_flat()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        var path = Path.Combine(Path.GetTempPath(), $"gittrack-manifest-{Guid.NewGuid():N}.toml");
        try
        {
            File.WriteAllText(path, ManifestToml.Write(SampleRuns.Full()));
            const string script = "import tomllib,sys,math\n" +
                "d = tomllib.load(open(sys.argv[1], 'rb'))\n" +
                "p = d['params']\n" +
                "assert p['model.max_depth'] == 6 and 'model' not in p, p\n" +
                "assert p['epochs'] == 10 and p['lr'] == 0.1 and p['use_gpu'] is True and p['whole'] == 3.0 and isinstance(p['whole'], float)\n" +
                "assert math.isnan(d['metrics']['val/loss']) and d['metrics']['grad'] == math.inf\n" +
                "assert d['command'][3] == 'it\\'s \"quoted\" \\\\ é 🚀', d['command']\n" +
                "assert d['started_at'].microsecond == 123456, d['started_at']\n" +
                "assert d['artifacts'][0]['path'] == 'models/model.zip' and len(d['host']['gpus']) == 2\n" +
                "print('ok')\n";
            var result = ProcessRunner.Run("python3", ["-c", script, path], Path.GetTempPath());
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Equal("ok", result.Stdout.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("schema = 1\n", "schema = 2\n", "schema 2 is not supported")]
    [InlineData("schema = 1\n", "", "required field 'schema'")]
    [InlineData("status = \"failed\"\n", "status = \"sleeping\"\n", "unknown status")]
    [InlineData("status = \"failed\"\n", "status = \"crashed\"\n", "derived on read")]
    [InlineData("name = \"run_007\"\n", "", "required field 'name'")]
    [InlineData("path = \"plot.png\"", "path = \"/etc/passwd\"", "not a relative path")]
    [InlineData("path = \"plot.png\"", "path = \"../outside.png\"", "not a relative path")]
    [InlineData("path = \"plot.png\"", "path = \"a/./b.png\"", "not a relative path")]
    [InlineData("path = \"plot.png\"", "path = \"..\\\\win.png\"", "not a relative path")]
    [InlineData("path = \"plot.png\"", "path = \"C:/win.png\"", "not a relative path")]
    [InlineData("exit_code = 3\n", "exit_code = \"3\"\n", "should be an integer")]
    [InlineData("[source]\ncommit = \"", "[source]\ncommit = \"zz", "not a git object id")]
    [InlineData("size = 5", "size = -5", "negative size")]
    public void Reading_rejects_a_bad_manifest_naming_the_run(string find, string replace, string expected)
    {
        var run = SampleRuns.Full();
        var text = ManifestToml.Write(run);
        Assert.Contains(find, text, StringComparison.Ordinal);
        var bad = text.Replace(find, replace, StringComparison.Ordinal);
        var error = Assert.Throws<CorruptDataException>(() => ManifestToml.Read(bad, run.Id));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(run.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_rejects_a_malformed_id_and_invalid_toml()
    {
        var run = SampleRuns.Full();
        var text = ManifestToml.Write(run);
        Assert.Throws<CorruptDataException>(() => ManifestToml.Read(text.Replace(run.Id, "ABC", StringComparison.Ordinal), "x"));
        var error = Assert.Throws<CorruptDataException>(() => ManifestToml.Read("schema = = 1", "r1"));
        Assert.Contains("run r1", error.Message, StringComparison.Ordinal);
    }
}
