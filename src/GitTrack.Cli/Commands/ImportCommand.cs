using System.CommandLine;
using System.Globalization;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Import.Mlflow;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack import mlflow PATH</c>: records the runs of an MLflow file store as GitTrack runs (docs/mlflow.md).</summary>
public static class ImportCommand
{
    public static Command Create(CommandContext context)
    {
        var path = new Argument<string>("path") { Description = "The MLflow file store (the mlruns/ folder)" };
        var experiment = new Option<string[]>("--experiment", "-e") { Description = "Import only this experiment (name or id); repeatable" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and count everything, write nothing" };
        var skipDeleted = new Option<bool>("--skip-deleted") { Description = "Leave out deleted runs and experiments (default: imported hidden)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var mlflow = new Command("mlflow", "Import the runs of an MLflow file store (mlruns/); a second import adds only new runs")
        {
            path, experiment, dryRun, skipDeleted, json,
        };
        mlflow.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            var summary = MlflowImporter.Import(directories, new MlflowImportOptions
            {
                StorePath = context.FullPath(parseResult.GetValue(path)!),
                Experiments = parseResult.GetValue(experiment) ?? [],
                DryRun = parseResult.GetValue(dryRun),
                SkipDeleted = parseResult.GetValue(skipDeleted),
            });
            if (parseResult.GetValue(json))
                JsonOutput.To(context.Out, writer => WriteJson(writer, summary));
            else
                Write(context.Out, summary);
            return (int)ExitCode.Ok;
        });
        var import = new Command("import", "Import runs from another tracker");
        import.Subcommands.Add(mlflow);
        return import;
    }

    private static void Write(TextWriter output, MlflowImportSummary s)
    {
        var verb = s.DryRun ? "would import" : "imported";
        var extra = new List<string>();
        if (s.Nested > 0)
            extra.Add($"{s.Nested} nested");
        if (s.Hidden > 0)
            extra.Add($"{s.Hidden} hidden: deleted in MLflow");
        output.WriteLine($"{verb} {N(s.Imported)} runs{(extra.Count > 0 ? $" ({string.Join(", ", extra)})" : "")} from {N(s.Experiments)} experiments of {Printable(s.Store)}");
        output.WriteLine($"  params {N(s.Params)}, tags {N(s.Tags)}, metric points {N(s.MetricPoints)}, artifacts {N(s.Artifacts)} ({Formats.Bytes(s.ArtifactBytes)})");
        if (s.AlreadyImported > 0)
            output.WriteLine($"  already imported: {N(s.AlreadyImported)} runs (unchanged)");
        if (s.SkippedDeleted > 0)
            output.WriteLine($"  deleted runs left out (--skip-deleted): {N(s.SkippedDeleted)}");
        if (s.Skipped.Count > 0)
        {
            output.WriteLine($"  skipped {N(s.Skipped.Count)}:");
            foreach (var problem in s.Skipped)
                output.WriteLine($"    {Printable(problem.Path)}: {Printable(problem.Reason)}");
        }
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter json, MlflowImportSummary s)
    {
        json.WriteStartObject();
        json.WriteString("store", s.Store);
        json.WriteBoolean("dry_run", s.DryRun);
        json.WriteNumber("experiments", s.Experiments);
        json.WriteNumber("runs_found", s.RunsFound);
        json.WriteNumber("imported", s.Imported);
        json.WriteNumber("nested", s.Nested);
        json.WriteNumber("hidden", s.Hidden);
        json.WriteNumber("already_imported", s.AlreadyImported);
        json.WriteNumber("skipped_deleted", s.SkippedDeleted);
        json.WriteNumber("params", s.Params);
        json.WriteNumber("tags", s.Tags);
        json.WriteNumber("metric_points", s.MetricPoints);
        json.WriteNumber("artifacts", s.Artifacts);
        json.WriteNumber("artifact_bytes", s.ArtifactBytes);
        json.WriteStartArray("runs");
        foreach (var (mlflowId, id, name) in s.Runs)
        {
            json.WriteStartObject();
            json.WriteString("mlflow_run_id", mlflowId);
            json.WriteString("id", id);
            json.WriteString("name", name);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("skipped");
        foreach (var problem in s.Skipped)
        {
            json.WriteStartObject();
            json.WriteString("path", problem.Path);
            json.WriteString("reason", problem.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Text from the store as a terminal may show it: control characters become '?'.</summary>
    internal static string Printable(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            span[i] = char.IsControl(source[i]) ? '?' : source[i];
    });
}
