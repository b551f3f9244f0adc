using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Listing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack show RUN</c>: everything recorded about one run, metric histories summarised.</summary>
public static class ShowCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var json = new Option<bool>("--json") { Description = "Print the run as a JSON object" };
        var command = new Command("show", "Show everything recorded about a run");
        command.Arguments.Add(runArgument);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            using var store = context.OpenStore(directories);
            var run = store.Resolve(parseResult.GetValue(runArgument)!);
            var history = MetricSummary.Of(store.ReadHistory(run.Id));
            var removedAt = store.RemovedAt(run.Id);
            var onlyOn = store.OnlyOn(run.Id);
            // The runs started inside this one, oldest first.
            var children = RunListing.Children(store, run.Id).ToList();
            if (parseResult.GetValue(json))
            {
                JsonOutput.To(context.Out, writer => RunJson.WriteRecord(writer, run, history, [.. children.Select(c => c.Id)], removedAt, onlyOn));
            }
            else
            {
                Write(context.Out, run, history, context.UseColor, ArtifactCache.Open(directories).Contains);
                ShowEnvironment.Write(context.Out, store, run, context.UseColor);
                if (removedAt is { } removed)
                    context.Out.WriteLine($"\nremoved     {Formats.Time(removed)} (bring it back with 'gittrack restore {run.Id}')");
                if (onlyOn is not null)
                    context.Out.WriteLine($"\nonly on {onlyOn} (fetched, not in your runs branch yet: 'gittrack pull {onlyOn}' brings it)");
                WriteChildren(context.Out, children, context.UseColor);
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    /// <summary>The runs started inside this one, oldest first, with up to five of their metrics.</summary>
    private static void WriteChildren(TextWriter output, List<RunSummary> children, bool color)
    {
        if (children.Count == 0)
            return;
        output.WriteLine(color ? "\n\u001b[1mchildren\u001b[0m" : "\nchildren");
        var metrics = children.SelectMany(c => c.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).Take(5).ToList();
        var table = new TextTable(["  ID", "NAME", "STATUS", "DURATION", .. metrics]);
        for (var i = 3; i < 4 + metrics.Count; i++)
            table.AlignRight(i);
        foreach (var child in children)
            table.Add(["  " + child.Id[..RunId.ShortLength], child.Name, Formats.Status(child.Status), Formats.Duration(child.Duration),
                .. metrics.Select(m => child.Metrics.TryGetValue(m, out var v) ? Formats.Number(v) : "-")]);
        table.Write(output, color: false);
    }

    private static void Write(TextWriter output, RunRecord run, IReadOnlyList<MetricSummary> history, bool color, Func<GitTrack.Core.Hashing.Blake3Hash, bool> isLocal)
    {
        void Field(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                output.WriteLine($"{name,-12}{TerminalText.Escape(value)}");
        }
        void Heading(string name) => output.WriteLine(color ? $"\n\u001b[1m{name}\u001b[0m" : $"\n{name}");

        Field("run", $"{run.Name} ({run.Id})");
        Field("status", Formats.Status(run.Status) + (run.ExitCode is { } code ? $" (exit code {code})" : ""));
        Field("error", run.Error);
        Field("started", Formats.Time(run.StartedAt));
        Field("ended", run.EndedAt is { } ended ? Formats.Time(ended) : null);
        Field("duration", Formats.Duration(run.Duration));
        Field("command", Formats.CommandLine(run.Command));
        Field("directory", run.WorkingDirectory.Length == 0 ? "." : run.WorkingDirectory);
        Field("note", run.Note);
        Field("parent", run.Parent);
        Field("reproduces", run.Reproduces);

        Heading("source");
        Field("  commit", run.Source.Commit + (run.Source.Branch is { } branch ? $" ({branch})" : ""));
        Field("  remote", run.Source.Remote);
        Field("  dirty", run.Source.Dirty ? "yes" : "no");
        Field("  code tree", run.Source.Tree);
        if (run.Source.SkippedFiles.Count > 0)
            Field("  skipped", string.Join(", ", run.Source.SkippedFiles));

        if (run.Params.Count > 0)
        {
            Heading("params");
            foreach (var (key, value) in run.Params)
                output.WriteLine(TerminalText.Escape($"  {key} = {Formats.Param(value)}"));
        }

        if (run.Metrics.Count > 0 || history.Count > 0)
        {
            Heading("metrics");
            var table = new TextTable(["  NAME", "LAST", "MIN", "MAX", "COUNT"]).AlignRight(1).AlignRight(2).AlignRight(3).AlignRight(4);
            var summarised = history.ToDictionary(h => h.Name, StringComparer.Ordinal);
            foreach (var name in run.Metrics.Keys.Concat(summarised.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                var last = run.Metrics.TryGetValue(name, out var l) ? l : summarised[name].Last;
                table.Add(summarised.TryGetValue(name, out var h)
                    ? ["  " + name, Formats.Number(last), Formats.Number(h.Min), Formats.Number(h.Max), h.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                    : ["  " + name, Formats.Number(last), "-", "-", "0"]);
            }
            table.Write(output, color: false);
        }

        if (run.Tags.Count > 0)
        {
            Heading("tags");
            foreach (var (key, value) in run.Tags)
                output.WriteLine(TerminalText.Escape($"  {key} = {value}"));
        }

        if (run.Artifacts.Count > 0 || run.Log is not null)
        {
            Heading("artifacts");
            // Objects recorded elsewhere and not fetched yet are marked; any reader fetches them from the artifacts remote.
            var notLocal = 0;
            string Mark(ArtifactEntry entry)
            {
                if (isLocal(entry.Key))
                    return "";
                notLocal++;
                return "  (not local)";
            }
            foreach (var artifact in run.Artifacts)
                output.WriteLine(TerminalText.Escape($"  {artifact.Path}  {Formats.Bytes(artifact.Size)}  {artifact.Key}{Mark(artifact)}"));
            if (run.Log is { } log)
                output.WriteLine(TerminalText.Escape($"  (log) {log.Path}  {Formats.Bytes(log.Size)}  {log.Key}{Mark(log)}"));
            if (notLocal > 0)
                output.WriteLine($"  ({notLocal} not in the local cache: fetched from the artifacts remote when read, or all at once with 'gittrack cache pull {run.Id[..RunId.ShortLength]}')");
        }

        if (run.Process is not null || run.Host is not null)
        {
            Heading("host");
            if (run.Host is { } host)
            {
                Field("  hostname", host.Hostname);
                Field("  os", string.Join(' ', new[] { host.Os, host.Kernel, host.Arch }.Where(s => !string.IsNullOrEmpty(s))));
                Field("  cpu", host.Cpu is null ? null : $"{host.Cpu} ({host.Cores} cores)");
                Field("  memory", host.MemoryBytes > 0 ? Formats.Bytes(host.MemoryBytes) : null);
                foreach (var gpu in host.Gpus)
                    Field("  gpu", $"{gpu.Name} ({gpu.MemoryMiB} MiB{(gpu.Driver is null ? "" : $", driver {gpu.Driver}")})");
            }
            if (run.Process is { } process)
                Field("  recorder", $"pid {process.Pid} on {process.Host}");
        }

        if (run.Runtimes.Count > 0)
        {
            Heading("runtimes");
            foreach (var (key, value) in run.Runtimes)
                output.WriteLine(TerminalText.Escape($"  {key} {value}"));
        }

        if (run.Environment.Count > 0)
        {
            Heading("environment");
            foreach (var (key, value) in run.Environment)
                output.WriteLine(TerminalText.Escape($"  {key}={value}"));
        }
    }
}
