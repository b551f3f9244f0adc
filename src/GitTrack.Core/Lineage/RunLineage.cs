using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Lineage;

/// <summary>
/// Which run made which data: a run's input whose content key equals another run's artifact key was produced by that
/// run (run B fine-tuned run A's <c>model.pt</c>). Built from every run's manifest (removed runs included, as their
/// artifacts may still feed others); nothing is stored for it (docs/format.md, "Inputs").
/// </summary>
public sealed class RunLineage
{
    private readonly Dictionary<string, RunRecord> _runs;
    private readonly Dictionary<Blake3Hash, List<(RunRecord Run, ArtifactEntry Artifact)>> _producers = [];
    private readonly Dictionary<Blake3Hash, List<(RunRecord Run, InputEntry Input)>> _consumers = [];

    private RunLineage(IEnumerable<RunRecord> runs)
    {
        _runs = runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var run in _runs.Values.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            foreach (var artifact in run.Artifacts)
                Add(_producers, artifact.Key, (run, artifact));
            foreach (var input in run.Inputs)
                Add(_consumers, input.Key, (run, input));
        }
    }

    private static void Add<T>(Dictionary<Blake3Hash, List<T>> map, Blake3Hash key, T value)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        list.Add(value);
    }

    /// <summary>
    /// Reads every run on the branches; runs that cannot be read are left out (listings report them), so one damaged
    /// entry never hides the rest of the graph.
    /// </summary>
    public static RunLineage Load(RunStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var runs = new List<RunRecord>();
        foreach (var summary in store.List(includeRemoved: true))
        {
            try
            {
                runs.Add(store.Get(summary.Id));
            }
            catch (GitTrackException)
            {
            }
        }
        return new RunLineage(runs);
    }

    /// <summary>A graph over the given runs (tests, and callers that already hold the records).</summary>
    public static RunLineage Of(IEnumerable<RunRecord> runs) => new(runs);

    /// <summary>The run with <paramref name="id"/>, if it was loaded.</summary>
    public RunRecord? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>Each input of <paramref name="run"/> with the runs (other than itself) that have its content as an artifact, oldest first.</summary>
    public IReadOnlyList<(InputEntry Input, IReadOnlyList<(RunRecord Run, ArtifactEntry Artifact)> Producers)> Up(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. run.Inputs.Select(input => (input, (IReadOnlyList<(RunRecord, ArtifactEntry)>)
            [.. (_producers.GetValueOrDefault(input.Key) ?? []).Where(p => p.Run.Id != run.Id)]))];
    }

    /// <summary>Each artifact of <paramref name="run"/> that other runs read as an input, with those runs, oldest first.</summary>
    public IReadOnlyList<(ArtifactEntry Artifact, IReadOnlyList<(RunRecord Run, InputEntry Input)> Consumers)> Down(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. run.Artifacts
            .Select(artifact => (artifact, (IReadOnlyList<(RunRecord, InputEntry)>)
                [.. (_consumers.GetValueOrDefault(artifact.Key) ?? []).Where(c => c.Run.Id != run.Id)]))
            .Where(x => x.Item2.Count > 0)];
    }
}
