using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Cache;
using GitTrack.Core.Errors;
using GitTrack.Core.Models;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack model register|ls|show|alias|checkout</c>: the model registry on the runs branch (docs/format.md
/// "Models"): versions of a model are run artifacts, aliases (champion, production...) name versions.
/// </summary>
public static class ModelCommand
{
    public static Command Create(CommandContext context)
    {
        var model = new Command("model", "A registry of models: versions are run artifacts, aliases name versions");
        model.Subcommands.Add(Register(context));
        model.Subcommands.Add(List(context));
        model.Subcommands.Add(Show(context));
        model.Subcommands.Add(Alias(context));
        model.Subcommands.Add(Checkout(context));
        return model;
    }

    private static Command Register(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The model's name (letters, digits, '.', '_', '-')" };
        var run = new Argument<string>("run") { Description = "The run (id, unique id prefix or name)" };
        var artifact = new Option<string?>("--artifact", "-a") { Description = "The run's artifact to register (may be left out when the run has one)" };
        var command = new Command("register", "Register a run's artifact as the next version of a model") { name, run, artifact };
        command.SetAction(parseResult =>
        {
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var record = store.Resolve(parseResult.GetValue(run)!);
            var version = new ModelRegistry(store).Register(parseResult.GetValue(name)!, record, parseResult.GetValue(artifact));
            context.Out.WriteLine(TerminalText.Escape($"{version.Model} version {version.Number}: {version.Entry.Artifact} of run {record.Name} ({record.Id[..RunId.ShortLength]})"));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command List(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the models as JSON" };
        var command = new Command("ls", "List the registered models") { json };
        command.SetAction(parseResult =>
        {
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var registry = new ModelRegistry(store);
            var models = registry.List();
            Warn(context, registry);
            if (parseResult.GetValue(json))
            {
                var runs = Runs(store);
                JsonOutput.To(context.Out, writer =>
                {
                    writer.WriteStartArray();
                    foreach (var m in models)
                        ModelJson.WriteModel(writer, m, runs);
                    writer.WriteEndArray();
                });
                return (int)ExitCode.Ok;
            }
            if (models.Count == 0)
            {
                context.Error.WriteLine("no models yet (register one with 'gittrack model register NAME RUN')");
                return (int)ExitCode.Ok;
            }
            var table = new TextTable(["model", "versions", "latest", "aliases", "registered"]).AlignRight(1).AlignRight(2);
            foreach (var m in models)
                table.Add([m.Name, m.Versions.Count.ToString(CultureInfo.InvariantCulture), m.Latest?.Number.ToString(CultureInfo.InvariantCulture) ?? "-",
                    string.Join(", ", m.Aliases.Select(a => $"{a.Key}={a.Value.Number}")),
                    m.Latest is { } latest ? Formats.Time(latest.Entry.RegisteredAt) : "-"]);
            table.Write(context.Out, context.UseColor);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command Show(CommandContext context)
    {
        var spec = new Argument<string>("model") { Description = "NAME (every version), NAME@ALIAS or NAME/VERSION (one)" };
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var command = new Command("show", "A model's versions with their runs' metrics, or one version") { spec, json };
        command.SetAction(parseResult =>
        {
            var text = parseResult.GetValue(spec)!;
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var registry = new ModelRegistry(store);
            var runs = Runs(store);
            IReadOnlyList<ModelVersion> versions = text.Contains('@') || text.Contains('/') ? [registry.Resolve(text)] : registry.Get(text).Versions;
            Warn(context, registry);
            if (parseResult.GetValue(json))
            {
                JsonOutput.To(context.Out, writer =>
                {
                    if (versions.Count == 1 && (text.Contains('@') || text.Contains('/')))
                        ModelJson.WriteVersion(writer, versions[0], runs);
                    else
                        ModelJson.WriteModel(writer, registry.Get(text), runs);
                });
                return (int)ExitCode.Ok;
            }
            var metricNames = versions.SelectMany(v => runs.TryGetValue(v.Entry.Run, out var r) ? r.Metrics.Keys : [])
                .Distinct().Order(StringComparer.Ordinal).Take(8).ToList();
            var table = new TextTable(["version", "aliases", "run", "artifact", "size", "registered", .. metricNames.Select(m => $"metrics.{m}")]).AlignRight(0).AlignRight(4);
            for (var i = 6; i < 6 + metricNames.Count; i++)
                table.AlignRight(i);
            foreach (var v in versions)
            {
                runs.TryGetValue(v.Entry.Run, out var run);
                table.Add([v.Number.ToString(CultureInfo.InvariantCulture), string.Join(", ", v.Aliases),
                    run is null ? $"{v.Entry.Run[..RunId.ShortLength]} (not here)" : $"{run.Name} ({run.Id[..RunId.ShortLength]})",
                    ImportCommand.Printable(v.Entry.Artifact), Formats.Bytes(v.Entry.Size), Formats.Time(v.Entry.RegisteredAt),
                    .. metricNames.Select(m => run is not null && run.Metrics.TryGetValue(m, out var value) ? Formats.Number(value) : "")]);
            }
            table.Write(context.Out, context.UseColor);
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command Alias(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The model" };
        var version = new Argument<string>("version") { Description = "The version number" };
        var alias = new Argument<string>("alias") { Description = "The alias, e.g. champion, staging, production" };
        var command = new Command("alias", "Point an alias of a model at one of its versions") { name, version, alias };
        command.SetAction(parseResult =>
        {
            var text = parseResult.GetValue(version)!.TrimStart('v');
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw new InvalidInputException($"'{parseResult.GetValue(version)}' is not a version number", "give the number 'gittrack model show NAME' lists");
            using var store = RunStore.Open(GitDirectories.Discover(context.WorkingDirectory));
            var set = new ModelRegistry(store).SetAlias(parseResult.GetValue(name)!, number, parseResult.GetValue(alias)!);
            context.Out.WriteLine(TerminalText.Escape($"{set.Model}@{parseResult.GetValue(alias)} -> version {set.Number}"));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Command Checkout(CommandContext context)
    {
        var spec = new Argument<string>("model") { Description = "NAME@ALIAS, NAME/VERSION or NAME (its latest version)" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the model file (default: its file name, here)" };
        var force = new Option<bool>("--force") { Description = "Overwrite a different existing file" };
        var command = new Command("checkout", "Write a model version's file from the artifact cache") { spec, output, force };
        command.SetAction(parseResult =>
        {
            var directories = GitDirectories.Discover(context.WorkingDirectory);
            using var store = RunStore.Open(directories);
            var version = new ModelRegistry(store).Resolve(parseResult.GetValue(spec)!);
            var target = context.FullPath(parseResult.GetValue(output) ?? Path.GetFileName(version.Entry.Artifact));
            if (Directory.Exists(target))
                target = Path.Combine(target, Path.GetFileName(version.Entry.Artifact));
            var cache = ArtifactCache.Open(directories);
            // Fetched from the artifacts remote when this clone's cache lacks it (an error naming run, path and key otherwise).
            cache.EnsureLocal(new ObjectNeed(version.Entry.Key, $"{version.Model} version {version.Number}", version.Entry.Artifact));
            if (File.Exists(target) && !parseResult.GetValue(force))
            {
                using var existing = File.OpenRead(target);
                using var hasher = GitTrack.Core.Hashing.Blake3Hasher.Create();
                var buffer = new byte[1 << 16];
                int read;
                while ((read = existing.Read(buffer, 0, buffer.Length)) > 0)
                    hasher.Update(buffer.AsSpan(0, read));
                if (!hasher.Finalize().Equals(version.Entry.Key))
                    throw new ConflictException($"{target} exists and differs from {version.Model} version {version.Number}", "give another -o, or --force to overwrite it");
            }
            var bytes = cache.RestoreTo(version.Entry.Key, target);
            context.Out.WriteLine(TerminalText.Escape($"{version.Model} version {version.Number} -> {target} ({Formats.Bytes(bytes)})"));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static Dictionary<string, RunSummary> Runs(RunStore store) =>
        store.List(includeRemoved: true).ToDictionary(r => r.Id, StringComparer.Ordinal);

    private static void Warn(CommandContext context, ModelRegistry registry)
    {
        foreach (var skipped in registry.Skipped)
            context.Error.WriteLine($"gittrack: warning: skipped {ImportCommand.Printable(skipped.Path)}: {ImportCommand.Printable(skipped.Reason)}");
    }
}
