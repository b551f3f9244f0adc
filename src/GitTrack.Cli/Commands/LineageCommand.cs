using System.CommandLine;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Lineage;
using GitTrack.Core.Runs;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack lineage RUN [--down]</c>: the runs and inputs behind a run (each input, and the run whose artifact it
/// is, recursively), or with <c>--down</c> the runs that used its artifacts, recursively.
/// </summary>
public static class LineageCommand
{
    /// <summary>How deep the chain is followed; deeper links are cut with a note.</summary>
    private const int MaxDepth = 50;

    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var down = new Option<bool>("--down") { Description = "Show the runs that used this run's artifacts as inputs, instead of what it was made from" };
        var json = new Option<bool>("--json") { Description = "Print the chain as JSON" };
        var command = new Command("lineage", "Show the inputs and runs behind a run (which run made the data it read), or with --down the runs that used its artifacts");
        command.Arguments.Add(runArgument);
        command.Options.Add(down);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!, includeRemoved: true);
            var lineage = RunLineage.Load(store);
            run = lineage.Find(run.Id) ?? run;
            if (parseResult.GetValue(json))
                JsonOutput.To(context.Out, writer => WriteJson(writer, lineage, run, parseResult.GetValue(down), []));
            else
            {
                context.Out.WriteLine(TerminalText.Escape($"{run.Name} ({run.Id[..RunId.ShortLength]})"));
                var any = parseResult.GetValue(down)
                    ? WriteDown(context.Out, lineage, run, "  ", [run.Id])
                    : WriteUp(context.Out, lineage, run, "  ", [run.Id]);
                if (!any)
                    context.Out.WriteLine(parseResult.GetValue(down)
                        ? "  no run used its artifacts as inputs"
                        : "  no inputs recorded (record them with 'gittrack run --input PATH' or an input event)");
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static string Short(RunRecord run) => $"{run.Name} ({run.Id[..RunId.ShortLength]})";

    private static bool WriteUp(TextWriter output, RunLineage lineage, RunRecord run, string indent, HashSet<string> path)
    {
        var links = lineage.Up(run);
        foreach (var (input, producers) in links)
        {
            var kind = input.IsFolder ? $"folder, {input.Files} files, " : "";
            output.WriteLine(TerminalText.Escape($"{indent}input {input.Path}  {input.Key.ToString()[..12]}  ({kind}{Formats.Bytes(input.Size)})"));
            foreach (var (producer, artifact) in producers)
            {
                var cycle = path.Contains(producer.Id);
                output.WriteLine(TerminalText.Escape($"{indent}  <- artifact {artifact.Path} of {Short(producer)}{(cycle ? " (already shown above)" : "")}"));
                if (cycle)
                    continue;
                if (path.Count >= MaxDepth)
                {
                    output.WriteLine(TerminalText.Escape($"{indent}    ... (deeper than {MaxDepth} runs: 'gittrack lineage {producer.Id[..RunId.ShortLength]}')"));
                    continue;
                }
                path.Add(producer.Id);
                WriteUp(output, lineage, producer, indent + "    ", path);
                path.Remove(producer.Id);
            }
        }
        return links.Count > 0;
    }

    private static bool WriteDown(TextWriter output, RunLineage lineage, RunRecord run, string indent, HashSet<string> path)
    {
        var links = lineage.Down(run);
        foreach (var (artifact, consumers) in links)
        {
            output.WriteLine(TerminalText.Escape($"{indent}artifact {artifact.Path}  {artifact.Key.ToString()[..12]}  ({Formats.Bytes(artifact.Size)})"));
            foreach (var (consumer, input) in consumers)
            {
                var cycle = path.Contains(consumer.Id);
                output.WriteLine(TerminalText.Escape($"{indent}  -> input {input.Path} of {Short(consumer)}{(cycle ? " (already shown above)" : "")}"));
                if (cycle || path.Count >= MaxDepth)
                    continue;
                path.Add(consumer.Id);
                WriteDown(output, lineage, consumer, indent + "    ", path);
                path.Remove(consumer.Id);
            }
        }
        return links.Count > 0;
    }

    private static void WriteJson(Utf8JsonWriter json, RunLineage lineage, RunRecord run, bool down, HashSet<string> path)
    {
        json.WriteStartObject();
        json.WriteString("id", run.Id);
        json.WriteString("name", run.Name);
        path.Add(run.Id);
        if (!down)
        {
            json.WriteStartArray("inputs");
            foreach (var (input, producers) in lineage.Up(run))
            {
                json.WriteStartObject();
                json.WriteString("path", input.Path);
                json.WriteString("blake3", input.Key.ToString());
                json.WriteNumber("size", input.Size);
                json.WriteString("kind", input.IsFolder ? "folder" : "file");
                json.WriteStartArray("from");
                foreach (var (producer, artifact) in producers)
                {
                    json.WriteStartObject();
                    json.WriteString("artifact", artifact.Path);
                    json.WritePropertyName("run");
                    WriteLinked(json, lineage, producer, down, path);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        else
        {
            json.WriteStartArray("artifacts");
            foreach (var (artifact, consumers) in lineage.Down(run))
            {
                json.WriteStartObject();
                json.WriteString("path", artifact.Path);
                json.WriteString("blake3", artifact.Key.ToString());
                json.WriteStartArray("used_by");
                foreach (var (consumer, input) in consumers)
                {
                    json.WriteStartObject();
                    json.WriteString("input", input.Path);
                    json.WritePropertyName("run");
                    WriteLinked(json, lineage, consumer, down, path);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        path.Remove(run.Id);
        json.WriteEndObject();
    }

    /// <summary>A run linked to the one being written: in full, or only its id and name when already on the path or too deep.</summary>
    private static void WriteLinked(Utf8JsonWriter json, RunLineage lineage, RunRecord run, bool down, HashSet<string> path)
    {
        if (path.Contains(run.Id) || path.Count >= MaxDepth)
        {
            json.WriteStartObject();
            json.WriteString("id", run.Id);
            json.WriteString("name", run.Name);
            json.WriteEndObject();
        }
        else
            WriteJson(json, lineage, run, down, path);
    }
}
