using System.Globalization;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Diff;

/// <summary>
/// Compares two runs from their manifests alone: last values of metrics are in the manifest, so a diff never reads
/// metric histories and costs the same for ten points or a million.
/// </summary>
public static class RunDiffer
{
    /// <summary>The difference between <paramref name="a"/> and <paramref name="b"/>, metric directions from their tags and the repository's git config.</summary>
    public static RunDiff Compare(GitDirectories directories, RunRecord a, RunRecord b) =>
        Compare(a, b, ConfiguredDirections(directories));

    /// <summary>The difference between <paramref name="a"/> and <paramref name="b"/>, with <paramref name="configuredDirections"/> by lowercased metric name.</summary>
    public static RunDiff Compare(RunRecord a, RunRecord b, IReadOnlyDictionary<string, string> configuredDirections)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var metrics = Names(a.Metrics.Keys, b.Metrics.Keys)
            .Select(name => new MetricChange(name,
                a.Metrics.TryGetValue(name, out var old) ? old : null,
                b.Metrics.TryGetValue(name, out var @new) ? @new : null,
                MetricDirections.Resolve(name, a, b, configuredDirections)))
            .ToArray();
        var oldArtifacts = a.Artifacts.ToDictionary(x => x.Path, StringComparer.Ordinal);
        var newArtifacts = b.Artifacts.ToDictionary(x => x.Path, StringComparer.Ordinal);
        var artifacts = Names(oldArtifacts.Keys, newArtifacts.Keys)
            .Select(path => new ArtifactChange(path, oldArtifacts.GetValueOrDefault(path), newArtifacts.GetValueOrDefault(path)))
            .ToArray();
        return new RunDiff
        {
            A = a,
            B = b,
            Params = Changes(a.Params, b.Params),
            Metrics = metrics,
            Tags = Changes(a.Tags, b.Tags),
            Fields = Changes(FieldsOf(a), FieldsOf(b)),
            Artifacts = artifacts,
            Inputs = EnvironmentDiffer.Inputs(a.Inputs, b.Inputs),
        };
    }

    /// <summary>
    /// <paramref name="diff"/> with its package differences, the two runs' environments read from
    /// <paramref name="store"/> (a run that recorded none, or whose environment is missing, counts as empty).
    /// </summary>
    public static RunDiff WithPackages(RunDiff diff, RunStore store)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(store);
        if (diff.A.Packages?.Key is null && diff.B.Packages?.Key is null)
            return diff;
        var a = diff.A.Packages?.Key is { } ka ? store.ReadEnvironment(ka) : null;
        var b = diff.B.Packages?.Key is { } kb ? (kb == diff.A.Packages?.Key ? a : store.ReadEnvironment(kb)) : null;
        return diff with { Packages = EnvironmentDiffer.Packages(a, b) };
    }

    /// <summary>git config's <c>gittrack.direction.*</c> values, by lowercased metric name.</summary>
    public static IReadOnlyDictionary<string, string> ConfiguredDirections(GitDirectories directories)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in GitRepository.ConfigValues(directories, @"^gittrack\.direction\."))
            result[key[MetricDirections.ConfigPrefix.Length..].ToLowerInvariant()] = value;
        return result;
    }

    private static SortedDictionary<string, object> FieldsOf(RunRecord run)
    {
        var fields = new SortedDictionary<string, object>(StringComparer.Ordinal);
        void Add(string name, object? value)
        {
            if (value is not null && value is not "")
                fields[name] = value;
        }
        Add("status", ManifestToml.StatusText(run.Status));
        Add("exit_code", run.ExitCode is { } code ? (long)code : null);
        Add("error", run.Error);
        Add("duration_s", run.Duration?.TotalSeconds);
        Add("command", string.Join(' ', run.Command));
        Add("working_directory", run.WorkingDirectory);
        Add("source.commit", run.Source.Commit);
        Add("source.branch", run.Source.Branch);
        Add("source.dirty", run.Source.Dirty);
        if (run.Host is { } host)
        {
            Add("host.hostname", host.Hostname);
            Add("host.os", host.Os);
            Add("host.kernel", host.Kernel);
            Add("host.arch", host.Arch);
            Add("host.cpu", host.Cpu);
            Add("host.cores", host.Cores > 0 ? (long)host.Cores : null);
            Add("host.memory_bytes", host.MemoryBytes > 0 ? host.MemoryBytes : null);
            Add("host.gpus", host.Gpus.Count > 0 ? string.Join(", ", host.Gpus.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Name} ({g.MemoryMiB} MiB)"))) : null);
        }
        foreach (var (name, version) in run.Runtimes)
            Add("runtime." + name, version);
        return fields;
    }

    private static ValueChange[] Changes<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b) where T : notnull =>
        Names(a.Keys, b.Keys)
            .Select(name => new ValueChange(name, a.TryGetValue(name, out var old) ? old : null, b.TryGetValue(name, out var @new) ? @new : null))
            .ToArray();

    private static IEnumerable<string> Names(IEnumerable<string> a, IEnumerable<string> b) =>
        a.Concat(b).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}
