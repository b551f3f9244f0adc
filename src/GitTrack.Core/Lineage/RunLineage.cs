using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Lineage;

/// <summary>
/// Which run made which data: a run's input whose content key equals another run's artifact key was produced by that
/// run (run B fine-tuned run A's <c>model.pt</c>). The links come from the runs' summaries (the local index keeps each
/// run's inputs and artifact keys), removed runs included, as their artifacts may still feed others; only the runs the
/// graph reaches are read in full. Nothing is stored for it (docs/format.md, "Inputs").
/// </summary>
public sealed class RunLineage
{
    private readonly Dictionary<string, RunSummary> _summaries;
    private readonly Func<string, RunRecord?> _read;
    private readonly Dictionary<string, RunRecord?> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<Blake3Hash, List<RunSummary>> _producers = [];
    private readonly Dictionary<Blake3Hash, List<(RunSummary Run, InputEntry Input)>> _consumers = [];

    private RunLineage(IEnumerable<RunSummary> summaries, Func<string, RunRecord?> read)
    {
        _read = read;
        _summaries = new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        foreach (var summary in summaries)
            _summaries[summary.Id] = summary;
        foreach (var run in _summaries.Values.OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            foreach (var key in run.ArtifactKeys)
                Add(_producers, key, run);
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
    /// The graph of every run on the branches, from their summaries; a run reached by the graph is read when it is
    /// shown. Runs that cannot be read are left out (listings report them), so one damaged entry never hides the rest.
    /// </summary>
    public static RunLineage Load(RunStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new RunLineage(store.Enumerate(includeRemoved: true), id =>
        {
            try
            {
                return store.Get(id);
            }
            catch (GitTrackException)
            {
                return null;
            }
        });
    }

    /// <summary>A graph over the given runs (tests, and callers that already hold the records).</summary>
    public static RunLineage Of(IEnumerable<RunRecord> runs)
    {
        var records = runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        return new RunLineage(records.Values.Select(r => RunSummary.Of(r)), id => records.GetValueOrDefault(id));
    }

    /// <summary>The run with <paramref name="id"/>, read in full, if the graph knows it and it can be read.</summary>
    public RunRecord? Find(string id)
    {
        if (!_summaries.ContainsKey(id))
            return null;
        if (!_records.TryGetValue(id, out var record))
            _records[id] = record = _read(id);
        return record;
    }

    /// <summary>Each input of <paramref name="run"/> with the runs (other than itself) that have its content as an artifact, oldest first.</summary>
    public IReadOnlyList<(InputEntry Input, IReadOnlyList<(RunRecord Run, ArtifactEntry Artifact)> Producers)> Up(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = new List<(InputEntry, IReadOnlyList<(RunRecord, ArtifactEntry)>)>();
        foreach (var input in run.Inputs)
        {
            var producers = new List<(RunRecord, ArtifactEntry)>();
            foreach (var summary in _producers.GetValueOrDefault(input.Key) ?? [])
            {
                // The summary named the key; the record says which artifacts (every path with it).
                if (summary.Id != run.Id && Find(summary.Id) is { } producer)
                    producers.AddRange(producer.Artifacts.Where(a => a.Key == input.Key).Select(a => (producer, a)));
            }
            result.Add((input, producers));
        }
        return result;
    }

    /// <summary>Each artifact of <paramref name="run"/> that other runs read as an input, with those runs, oldest first.</summary>
    public IReadOnlyList<(ArtifactEntry Artifact, IReadOnlyList<(RunRecord Run, InputEntry Input)> Consumers)> Down(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = new List<(ArtifactEntry, IReadOnlyList<(RunRecord, InputEntry)>)>();
        foreach (var artifact in run.Artifacts)
        {
            var consumers = new List<(RunRecord, InputEntry)>();
            foreach (var (summary, input) in _consumers.GetValueOrDefault(artifact.Key) ?? [])
            {
                if (summary.Id != run.Id && Find(summary.Id) is { } consumer)
                    consumers.Add((consumer, input));
            }
            if (consumers.Count > 0)
                result.Add((artifact, consumers));
        }
        return result;
    }
}
