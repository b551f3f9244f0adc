using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Models;

/// <summary>
/// The model registry on the runs branch (docs/format.md "Models"): each registration and each alias assignment is
/// an immutable file of its own under <c>models/&lt;name&gt;/</c>, so two clones' registries merge as a plain union
/// of files and never conflict. The current state (version numbers, what each alias names) is folded from the
/// entries by the rule below, the same on every clone that has the same entries.
/// </summary>
public sealed class ModelRegistry
{
    private const string Root = "models";
    private readonly RunStore _store;

    public ModelRegistry(RunStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Entries under <c>models/</c> left out by the last <see cref="List"/>, each with why.</summary>
    public IReadOnlyList<SkippedEntry> Skipped { get; private set; } = [];

    /// <summary>Every model on the branch, folded, in ordinal order of name.</summary>
    public IReadOnlyList<RegisteredModel> List()
    {
        var skipped = new List<SkippedEntry>();
        var versions = new Dictionary<string, List<ModelVersionEntry>>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, List<ModelAliasEntry>>(StringComparer.Ordinal);
        foreach (var (path, content) in _store.ReadFiles(Root))
        {
            var parts = path.Split('/');
            // models/<name>/versions/<id>.toml or models/<name>/aliases/<id>.toml; nothing else belongs here.
            if (parts.Length != 4 || !ModelNames.IsModel(parts[1]) || parts[2] is not ("versions" or "aliases")
                || !parts[3].EndsWith(".toml", StringComparison.Ordinal) || !ModelNames.IsEntryId(parts[3][..^5]))
            {
                skipped.Add(new SkippedEntry(path, "not a registry entry (models/<name>/versions|aliases/<32 hex>.toml)"));
                continue;
            }
            if (content is null)
            {
                skipped.Add(new SkippedEntry(path, $"not a plain file of at most {RunStore.MaxFileBytes} bytes"));
                continue;
            }
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(content);
            }
            catch (DecoderFallbackException)
            {
                skipped.Add(new SkippedEntry(path, "not valid UTF-8"));
                continue;
            }
            string? problem;
            if (parts[2] == "versions")
            {
                if (ModelEntryToml.ReadVersion(text, parts[1], parts[3][..^5], out problem) is { } entry)
                    Add(versions, parts[1], entry);
            }
            else if (ModelEntryToml.ReadAlias(text, parts[1], parts[3][..^5], out problem) is { } entry)
                Add(aliases, parts[1], entry);
            if (problem is not null)
                skipped.Add(new SkippedEntry(path, problem));
        }
        var models = new List<RegisteredModel>();
        foreach (var name in versions.Keys.Concat(aliases.Keys).Distinct().Order(StringComparer.Ordinal))
            models.Add(Fold(name, versions.GetValueOrDefault(name) ?? [], aliases.GetValueOrDefault(name) ?? [], skipped));
        Skipped = skipped;
        return models;
    }

    private static void Add<T>(Dictionary<string, List<T>> byModel, string model, T entry)
    {
        if (!byModel.TryGetValue(model, out var list))
            byModel[model] = list = [];
        list.Add(entry);
    }

    /// <summary>
    /// The fold. Versions: entries in (clock, registered_at, id) order each take the number they claimed when it is
    /// still free; an entry whose claim was taken by an earlier one (two clones registered at once) gets the next
    /// number above every number in use, in the same order. So a number once shown changes only for the later of two
    /// concurrent registrations that claimed it. Aliases: per alias, the assignment with the greatest
    /// (clock, assigned_at, id) holds; one naming a version entry that is not here is skipped.
    /// </summary>
    internal static RegisteredModel Fold(string name, IReadOnlyList<ModelVersionEntry> versionEntries, IReadOnlyList<ModelAliasEntry> aliasEntries,
        List<SkippedEntry> skipped)
    {
        var ordered = versionEntries.OrderBy(e => e.Clock).ThenBy(e => e.RegisteredAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var taken = new Dictionary<long, ModelVersionEntry>();
        var losers = new List<ModelVersionEntry>();
        foreach (var entry in ordered)
        {
            if (taken.TryAdd(entry.Claimed, entry))
                continue;
            losers.Add(entry);
        }
        var next = taken.Count == 0 ? 1 : taken.Keys.Max() + 1;
        foreach (var loser in losers)
            taken[next++] = loser;
        var numbers = taken.ToDictionary(p => p.Value.Id, p => p.Key, StringComparer.Ordinal);

        var aliasMap = new SortedDictionary<string, ModelVersionEntry>(StringComparer.Ordinal);
        foreach (var group in aliasEntries.GroupBy(a => a.Alias, StringComparer.Ordinal))
        {
            var winner = group.OrderBy(e => e.Clock).ThenBy(e => e.AssignedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Last();
            var target = versionEntries.FirstOrDefault(v => v.Id == winner.VersionEntry);
            if (target is null)
            {
                skipped.Add(new SkippedEntry($"{Root}/{name}/aliases/{winner.Id}.toml", $"alias {winner.Alias} names version entry {winner.VersionEntry}, which is not on the branch"));
                continue;
            }
            aliasMap[group.Key] = target;
        }
        var versions = taken.OrderBy(p => p.Key)
            .Select(p => new ModelVersion(name, p.Key, p.Value)
            {
                Aliases = [.. aliasMap.Where(a => a.Value.Id == p.Value.Id).Select(a => a.Key)],
            })
            .ToList();
        var aliases = aliasMap.ToDictionary(a => a.Key, a => versions.First(v => v.Entry.Id == a.Value.Id), StringComparer.Ordinal);
        var clock = versionEntries.Select(e => e.Clock).Concat(aliasEntries.Select(e => e.Clock)).DefaultIfEmpty(0).Max();
        return new RegisteredModel(name, versions, aliases) { Clock = clock };
    }

    /// <summary>The model named <paramref name="name"/>, or a <see cref="NotFoundException"/>.</summary>
    public RegisteredModel Get(string name)
    {
        ModelNames.CheckModel(name);
        return List().FirstOrDefault(m => m.Name == name)
            ?? throw new NotFoundException($"no model named '{name}'", "see 'gittrack model ls'; register one with 'gittrack model register NAME RUN'");
    }

    /// <summary>
    /// A version by <c>NAME@ALIAS</c> (<c>@latest</c>: the highest), <c>NAME/VERSION</c> or <c>NAME</c> (its latest).
    /// </summary>
    public ModelVersion Resolve(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int at = spec.IndexOf('@'), slash = spec.IndexOf('/');
        var name = at >= 0 ? spec[..at] : slash >= 0 ? spec[..slash] : spec;
        var model = Get(name);
        if (at >= 0)
        {
            var alias = spec[(at + 1)..];
            if (alias == ModelNames.Latest)
                return model.Latest ?? throw new NotFoundException($"model {name} has no versions", "register one with 'gittrack model register'");
            return model.Aliases.TryGetValue(alias, out var aliased) ? aliased
                : throw new NotFoundException($"model {name} has no alias '{alias}'",
                    model.Aliases.Count == 0 ? $"set one with 'gittrack model alias {name} VERSION {alias}'" : "its aliases: " + string.Join(", ", model.Aliases.Keys));
        }
        if (slash >= 0)
        {
            var text = spec[(slash + 1)..].TrimStart('v');
            if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
                throw new InvalidInputException($"'{spec[(slash + 1)..]}' is not a version number", $"write {name}/3 for version 3, or {name}@ALIAS");
            return model.Versions.FirstOrDefault(v => v.Number == number)
                ?? throw new NotFoundException($"model {name} has no version {number}", $"it has versions 1 to {model.Latest?.Number ?? 0}");
        }
        return model.Latest ?? throw new NotFoundException($"model {name} has no versions", "register one with 'gittrack model register'");
    }

    /// <summary>
    /// Registers a finished run's artifact as the next version of <paramref name="name"/> (the model is created by
    /// its first version). <paramref name="artifact"/> may be left out when the run has exactly one artifact.
    /// </summary>
    public ModelVersion Register(string name, RunRecord run, string? artifact)
    {
        ModelNames.CheckModel(name);
        ArgumentNullException.ThrowIfNull(run);
        var entry = PickArtifact(run, artifact);
        var current = List().FirstOrDefault(m => m.Name == name);
        var claimed = (current?.Versions.Select(v => v.Number).DefaultIfEmpty(0).Max() ?? 0) + 1;
        var version = new ModelVersionEntry(ModelNames.NewEntryId(), name, run.Id, entry.Path, entry.Key, entry.Size,
            DateTimeOffset.UtcNow, (current?.Clock ?? 0) + 1, claimed);
        var text = ModelEntryToml.Write(version);
        _store.CommitFiles([($"{Root}/{name}/versions/{version.Id}.toml", Encoding.UTF8.GetBytes(text))],
            $"model {name}: registered version {claimed} (run {run.Name} ({run.Id[..RunId.ShortLength]}), {entry.Path})");
        // Folded again: another clone's entry merged meanwhile is the only thing that could give it another number.
        return Get(name).Versions.First(v => v.Entry.Id == version.Id);
    }

    /// <summary>Points <paramref name="alias"/> of model <paramref name="name"/> at version <paramref name="number"/>.</summary>
    public ModelVersion SetAlias(string name, long number, string alias)
    {
        ModelNames.CheckAlias(alias);
        var model = Get(name);
        var version = model.Versions.FirstOrDefault(v => v.Number == number)
            ?? throw new NotFoundException($"model {name} has no version {number}", $"it has versions 1 to {model.Latest?.Number ?? 0}");
        if (model.Aliases.TryGetValue(alias, out var current) && current.Entry.Id == version.Entry.Id)
            return version;
        var entry = new ModelAliasEntry(ModelNames.NewEntryId(), name, alias, version.Entry.Id, number, DateTimeOffset.UtcNow, model.Clock + 1);
        _store.CommitFiles([($"{Root}/{name}/aliases/{entry.Id}.toml", Encoding.UTF8.GetBytes(ModelEntryToml.Write(entry)))],
            $"model {name}: alias {alias} -> version {number}");
        return Get(name).Versions.First(v => v.Entry.Id == version.Entry.Id);
    }

    private static ArtifactEntry PickArtifact(RunRecord run, string? path)
    {
        if (run.Artifacts.Count == 0)
            throw new InvalidInputException($"run {run.Name} has no artifacts to register",
                run.Status == RunStatus.Running ? "artifacts are stored when the run ends" : "record the model file with --artifact when the run runs");
        if (path is null)
            return run.Artifacts.Count == 1 ? run.Artifacts[0]
                : throw new AmbiguousException($"run {run.Name} has {run.Artifacts.Count} artifacts", [.. run.Artifacts.Select(a => a.Path)],
                    "name one with --artifact PATH");
        var normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
            normalized = normalized[2..];
        if (run.Artifacts.FirstOrDefault(a => a.Path == normalized) is { } exact)
            return exact;
        var inside = run.Artifacts.Where(a => a.Path.StartsWith(normalized.TrimEnd('/') + "/", StringComparison.Ordinal)).ToArray();
        throw inside.Length > 0
            ? new AmbiguousException($"'{path}' is a folder of {inside.Length} artifacts of run {run.Name}; a version is one file", [.. inside.Select(a => a.Path)], "name one file with --artifact")
            : new NotFoundException($"run {run.Name} has no artifact '{path}'", "its artifacts: " + string.Join(", ", run.Artifacts.Select(a => a.Path).Take(10)));
    }
}
