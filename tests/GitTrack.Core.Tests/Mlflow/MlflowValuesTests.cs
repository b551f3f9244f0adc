using GitTrack.Core.Errors;
using GitTrack.Core.Import.Mlflow.Internal;
using GitTrack.Core.Mlflow;
using GitTrack.Core.Runs;
using GitTrack.Core.Tests.Runs;

namespace GitTrack.Core.Tests.Mlflow;

/// <summary>The params typing rule, Python's float text, metric lines, and the manifest's [origin].</summary>
public sealed class MlflowValuesTests
{
    [Theory]
    [InlineData(0.01, "0.01")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1500.0, "1500.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Floats_are_written_as_Python_prints_them(double value, string python) =>
        Assert.Equal(python, MlflowValues.PythonRepr(value));

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-3", -3L)]
    [InlineData("0.01", 0.01)]
    [InlineData("1e-05", 1e-05)]
    [InlineData("True", true)]
    [InlineData("False", false)]
    [InlineData("1.10", "1.10")]
    [InlineData("007", "007")]
    [InlineData("+7", "+7")]
    [InlineData("-0", "-0")]
    [InlineData("true", "true")]
    [InlineData("1E-05", "1E-05")]
    [InlineData("None", "None")]
    [InlineData("[64, 32]", "[64, 32]")]
    [InlineData("99999999999999999999", "99999999999999999999")]
    [InlineData("", "")]
    public void A_param_is_typed_only_when_Python_str_gives_its_text_back(string text, object expected)
    {
        var typed = MlflowValues.TypeParam(text);
        Assert.Equal(expected, typed);
        Assert.Equal(text, MlflowValues.ParamText(typed));
    }

    [Fact]
    public void Nan_and_infinity_params_are_floats_that_read_back_the_same()
    {
        Assert.True(double.IsNaN((double)MlflowValues.TypeParam("nan")));
        Assert.Equal(double.PositiveInfinity, MlflowValues.TypeParam("inf"));
        Assert.Equal("inf", MlflowValues.ParamText(double.PositiveInfinity));
    }

    [Theory]
    [InlineData("1700000000000 0.5 3", 0.5, 3L)]
    [InlineData("1700000000000 1 49", 1.0, 49L)]
    [InlineData("1700000000000 nan 0", double.NaN, 0L)]
    [InlineData("1700000000000 -inf 2\r", double.NegativeInfinity, 2L)]
    [InlineData("1700000000000 0.25", 0.25, 0L)]
    [InlineData("1700000000000 0.25 4 train 1a2b3c", 0.25, 4L)]
    public void Metric_lines_of_every_MLflow_version_parse(string line, double value, long step)
    {
        var point = MetricFileReader.Parse(System.Text.Encoding.UTF8.GetBytes(line), "loss")!.Value;
        Assert.Equal(value, point.Value);
        Assert.Equal(step, point.Step);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), point.Timestamp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1700000000000")]
    [InlineData("abc 0.5 1")]
    [InlineData("1700000000000 high 1")]
    [InlineData("1700000000000 0.5 1.5")]
    [InlineData("1700000000000 0.5 1 extra")]
    [InlineData("99999999999999999 0.5 1")]
    public void Malformed_metric_lines_do_not_parse(string line) =>
        Assert.Null(MetricFileReader.Parse(System.Text.Encoding.UTF8.GetBytes(line), "loss"));

    [Fact]
    public void Imported_run_ids_are_valid_and_the_same_for_the_same_MLflow_run()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000);
        var id = MlflowValues.ImportedRunId("f7d034672fce496d891b6f054749ea99", start);
        Assert.True(RunId.IsValid(id));
        Assert.Equal(id, MlflowValues.ImportedRunId("f7d034672fce496d891b6f054749ea99", start));
        Assert.NotEqual(id, MlflowValues.ImportedRunId("f7d034672fce496d891b6f054749ea98", start));
        Assert.EndsWith("6553f100", id);
        Assert.Equal("0", MlflowValues.ExperimentId("Default"));
        Assert.Equal(15, MlflowValues.ExperimentId("vision").Length);
    }

    [Fact]
    public void The_origin_table_round_trips_and_a_bad_one_is_corrupt()
    {
        var run = SampleRuns.Full() with { Origin = new RunOrigin("mlflow", "f7d034672fce496d891b6f054749ea99") };
        var text = ManifestToml.Write(run);
        Assert.Contains("[origin]\nsource = \"mlflow\"\nid = \"f7d034672fce496d891b6f054749ea99\"\n", text);
        Assert.Equal(run.Origin, ManifestToml.Read(text, "t").Origin);
        Assert.Null(ManifestToml.Read(ManifestToml.Write(SampleRuns.Full()), "t").Origin);
        Assert.Throws<CorruptDataException>(() => ManifestToml.Read(text.Replace("source = \"mlflow\"", "source = \"ML flow\""), "t"));
        Assert.Throws<CorruptDataException>(() => ManifestToml.Read(text.Replace("\n[origin]\nsource = \"mlflow\"\n", "\n[origin]\n"), "t"));
    }
}
