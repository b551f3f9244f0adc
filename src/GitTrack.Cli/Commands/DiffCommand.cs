using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Diff;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack diff A B</c>: everything that differs between two runs, code included.</summary>
public static class DiffCommand
{
    public static Command Create(CommandContext context)
    {
        var a = new Argument<string>("a") { Description = "The first run (id, unique id prefix or unique name)" };
        var b = new Argument<string>("b") { Description = "The second run" };
        var code = new Option<bool>("--code") { Description = "Show the full unified diff of the code, not only a stat" };
        var all = new Option<bool>("--all") { Description = "Show unchanged params, metrics, tags, fields and artifacts too" };
        var json = new Option<bool>("--json") { Description = "Print the difference as a JSON object" };
        var command = new Command("diff", "Show what differs between two runs: params, metrics, tags, status, host, artifacts and code");
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        command.Options.Add(code);
        command.Options.Add(all);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            RunDiff diff;
            using (var store = context.OpenStore())
                diff = RunDiffer.WithPackages(RunDiffer.Compare(directories, store.Resolve(parseResult.GetValue(a)!), store.Resolve(parseResult.GetValue(b)!)), store);
            var showAll = parseResult.GetValue(all);
            var full = parseResult.GetValue(code);
            if (parseResult.GetValue(json))
                WriteJson(context.Out, diff, directories, showAll, full);
            else
                DiffText.Write(context.Out, diff, directories, showAll, full, context.UseColor);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, RunDiff diff, GitDirectories directories, bool all, bool full)
    {
        bool Show(ChangeKind kind) => all || kind != ChangeKind.Same;
        JsonOutput.To(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("a", diff.A.Id);
            json.WriteString("a_name", diff.A.Name);
            json.WriteString("b", diff.B.Id);
            json.WriteString("b_name", diff.B.Name);
            json.WriteBoolean("changed", diff.HasChanges);

            void Values(string name, IEnumerable<ValueChange> changes)
            {
                json.WriteStartArray(name);
                foreach (var change in changes.Where(c => Show(c.Kind)))
                {
                    json.WriteStartObject();
                    json.WriteString("name", change.Name);
                    json.WriteString("change", Kind(change.Kind));
                    JsonValue(json, "a", change.Old);
                    JsonValue(json, "b", change.New);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            Values("params", diff.Params);

            json.WriteStartArray("metrics");
            foreach (var metric in diff.Metrics.Where(m => Show(m.Kind)))
            {
                json.WriteStartObject();
                json.WriteString("name", metric.Name);
                json.WriteString("change", Kind(metric.Kind));
                JsonValue(json, "a", metric.Old);
                JsonValue(json, "b", metric.New);
                JsonValue(json, "absolute", metric.Absolute);
                JsonValue(json, "relative", metric.Relative);
                json.WriteString("direction", metric.Direction switch { MetricDirection.Min => "min", MetricDirection.Max => "max", _ => null });
                json.WriteString("verdict", metric.Verdict switch
                {
                    MetricVerdict.Better => "better",
                    MetricVerdict.Worse => "worse",
                    MetricVerdict.Same => "same",
                    _ => null,
                });
                json.WriteEndObject();
            }
            json.WriteEndArray();

            Values("tags", diff.Tags);
            Values("fields", diff.Fields);

            json.WriteStartArray("artifacts");
            foreach (var artifact in diff.Artifacts.Where(x => Show(x.Kind)))
            {
                json.WriteStartObject();
                json.WriteString("path", artifact.Path);
                json.WriteString("change", Kind(artifact.Kind));
                json.WriteString("a_key", artifact.Old?.Key.ToString());
                JsonValue(json, "a_size", artifact.Old?.Size);
                json.WriteString("b_key", artifact.New?.Key.ToString());
                JsonValue(json, "b_size", artifact.New?.Size);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("packages");
            foreach (var package in diff.Packages.Where(x => Show(x.Kind)))
            {
                json.WriteStartObject();
                json.WriteString("manager", package.Manager);
                json.WriteString("name", package.Name);
                json.WriteString("change", Kind(package.Kind));
                json.WriteString("a", package.Old);
                json.WriteString("b", package.New);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("inputs");
            foreach (var input in diff.Inputs.Where(x => Show(x.Kind)))
            {
                json.WriteStartObject();
                json.WriteString("path", input.Path);
                json.WriteString("change", Kind(input.Kind));
                json.WriteString("a_key", input.Old?.Key.ToString());
                JsonValue(json, "a_size", input.Old?.Size);
                json.WriteString("b_key", input.New?.Key.ToString());
                JsonValue(json, "b_size", input.New?.Size);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartObject("code");
            json.WriteString("a_tree", diff.A.Source.Tree);
            json.WriteString("b_tree", diff.B.Source.Tree);
            json.WriteBoolean("same", diff.SameCode);
            json.WriteStartArray("files");
            foreach (var file in CodeDiff.Files(directories, diff.A.Source.Tree, diff.B.Source.Tree))
            {
                json.WriteStartObject();
                json.WriteString("status", file.Status);
                json.WriteString("path", file.Path);
                if (file.OldPath is not null)
                    json.WriteString("old_path", file.OldPath);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (full)
                json.WriteString("patch", CodeDiff.Patch(directories, diff.A.Source.Tree, diff.B.Source.Tree, color: false));
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    internal static string Kind(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => "added",
        ChangeKind.Removed => "removed",
        ChangeKind.Changed => "changed",
        _ => "same",
    };

    private static void JsonValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case double d:
                // A float keeps its '.', so a param 1.0 and a param 1 read back as different types.
                json.WritePropertyName(name);
                GitTrack.Core.Runs.Capture.ParamValue.WriteJson(json, d, nonFiniteAsText: true);
                break;
            case long l:
                json.WriteNumber(name, l);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
