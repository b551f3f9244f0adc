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
        Assert.StartsWith("schema = 2\n", text, StringComparison.Ordinal);
        var paramsSection = text[text.IndexOf("[params]", StringComparison.Ordinal)..text.IndexOf("[metrics]", StringComparison.Ordinal)];
        var keys = paramsSection.Split('\n').Skip(1).Where(l => l.Contains(" = ", StringComparison.Ordinal)).ToArray();
        Assert.Equal("big = 1e+300", keys[0]);
        Assert.Contains("\"model.max_depth\" = 6", paramsSection, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_1_manifest_is_read_with_revision_0_and_may_not_say_crashed()
    {
        var text = ManifestToml.Write(SampleRuns.Full()).Replace("schema = 2\n", "schema = 1\n", StringComparison.Ordinal)
            .Replace("revision = 1\n", "", StringComparison.Ordinal);
        var run = ManifestToml.Read(text, SampleRuns.Full().Id);
        Assert.Equal(1, run.Schema);
        Assert.Equal(0, run.Revision);
        // Written again, it is schema 2 (what is written is always the current schema).
        Assert.StartsWith("schema = 2\n", ManifestToml.Write(run), StringComparison.Ordinal);
        var crashed = text.Replace($"status = \"{ManifestToml.StatusText(SampleRuns.Full().Status)}\"", "status = \"crashed\"", StringComparison.Ordinal);
        var error = Assert.Throws<CorruptDataException>(() => ManifestToml.Read(crashed, "r1"));
        Assert.Contains("never written in schema 1", error.Message, StringComparison.Ordinal);
        // Schema 2 writes crashed: a run recovered after its recorder died.
        var recovered = ManifestToml.Read(ManifestToml.Write(SampleRuns.Full() with { Status = RunStatus.Crashed }), SampleRuns.Full().Id);
        Assert.Equal(RunStatus.Crashed, recovered.Status);
    }

    [Fact]
    public void Table_keys_are_sorted_by_code_point_as_their_utf8_bytes_sort()
    {
        // U+FF21 (fullwidth A) is below U+1F680 (rocket) as a code point and in UTF-8, above it in UTF-16 code units.
        var run = SampleRuns.Full() with { Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["\uFF21"] = "1", ["\U0001F680"] = "2", ["a"] = "3" } };
        var text = ManifestToml.Write(run);
        var tags = text[text.IndexOf("[tags]", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(["a = \"3\"", "\"\uFF21\" = \"1\"", "\"\U0001F680\" = \"2\""], tags);
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
    [InlineData("schema = 2\n", "schema = 3\n", "schema 3 is not supported")]
    [InlineData("schema = 2\n", "", "required field 'schema'")]
    [InlineData("revision = 1\n", "", "required field 'revision'")]
    [InlineData("revision = 1\n", "revision = 0\n", "revision 0 is not a positive integer")]
    [InlineData("status = \"failed\"\n", "status = \"sleeping\"\n", "unknown status")]
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
