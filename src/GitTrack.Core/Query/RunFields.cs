using GitTrack.Core.Query.Internal;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Query;

/// <summary>
/// How the query language reads a run of type <typeparamref name="TRun"/>: implement the accessors once for a run type
/// (<see cref="RunRecordFields"/> does it for <see cref="RunRecord"/>), and filters, sort keys and columns work on it.
/// Each accessor returns null when the run has no such value (a missing value is never an error).
/// </summary>
public abstract class RunFields<TRun>
{
    public abstract string Id(TRun run);
    public abstract string? Name(TRun run);
    public abstract RunStatus Status(TRun run);
    public abstract DateTimeOffset? StartedAt(TRun run);
    public abstract DateTimeOffset? EndedAt(TRun run);
    public abstract int? ExitCode(TRun run);
    public abstract string? SourceCommit(TRun run);
    public abstract string? SourceBranch(TRun run);
    public abstract string? Parent(TRun run);
    /// <summary>Param values as stored: <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="string"/>.</summary>
    public abstract IReadOnlyDictionary<string, object>? Params(TRun run);
    /// <summary>Each metric's last value.</summary>
    public abstract IReadOnlyDictionary<string, double>? Metrics(TRun run);
    public abstract IReadOnlyDictionary<string, string>? Tags(TRun run);

    /// <summary>The run's inputs (<c>inputs.path</c>, <c>input</c>); null when this view of runs does not hold them.</summary>
    public virtual IReadOnlyList<InputEntry>? Inputs(TRun run) => null;

    /// <summary>All values of a multi-valued field (<see cref="FieldPath.IsMultiValued"/>), one per input.</summary>
    public IEnumerable<QueryValue> Values(TRun run, FieldPath path) => path.Root switch
    {
        FieldRoot.InputsPath => (Inputs(run) ?? []).Select(i => QueryValue.FromText(i.Path)),
        FieldRoot.Input => (Inputs(run) ?? []).Select(i => QueryValue.FromText(i.Key.ToString())),
        _ => Get(run, path) is { } value ? [value] : [],
    };

    /// <summary>How long the run took; by default <see cref="EndedAt"/> minus <see cref="StartedAt"/>, null while running.</summary>
    public virtual TimeSpan? Duration(TRun run) => EndedAt(run) is { } end && StartedAt(run) is { } start ? end - start : null;

    /// <summary>A reader of one field, bound once and called for every run (what compiled filters and sorts use).</summary>
    public Func<TRun, QueryValue?> Bind(FieldPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IsWildcard)
            throw new ArgumentException($"{path} names many fields; expand it first (ColumnList.Expand)", nameof(path));
        var key = path.Key;
        return path.Root switch
        {
            FieldRoot.Params => run => Params(run) is { } p && p.TryGetValue(key, out var v) ? QueryValue.FromObject(v) : null,
            FieldRoot.Metrics => run => Metrics(run) is { } m && m.TryGetValue(key, out var v) ? QueryValue.FromNumber(v) : null,
            FieldRoot.Tags => run => Tags(run) is { } t && t.TryGetValue(key, out var v) ? QueryValue.FromText(v) : null,
            FieldRoot.Id => run => Id(run) is { } id ? QueryValue.FromText(id) : null,
            FieldRoot.Name => run => Name(run) is { } name ? QueryValue.FromText(name) : null,
            FieldRoot.Status => run => QueryValue.FromText(RunStatusNames.Of(Status(run))),
            FieldRoot.Started => run => StartedAt(run) is { } s ? QueryValue.FromDate(s) : null,
            FieldRoot.Ended => run => EndedAt(run) is { } e ? QueryValue.FromDate(e) : null,
            FieldRoot.Duration => run => Duration(run) is { } d ? QueryValue.FromDuration(d) : null,
            FieldRoot.ExitCode => run => ExitCode(run) is { } code ? QueryValue.FromNumber(code) : null,
            FieldRoot.SourceCommit => run => SourceCommit(run) is { } c ? QueryValue.FromText(c) : null,
            FieldRoot.SourceBranch => run => SourceBranch(run) is { } b ? QueryValue.FromText(b) : null,
            FieldRoot.Parent => run => Parent(run) is { } parent ? QueryValue.FromText(parent) : null,
            FieldRoot.InputsPath => run => Inputs(run) is [var first, ..] ? QueryValue.FromText(first.Path) : null,
            FieldRoot.Input => run => Inputs(run) is [var first, ..] ? QueryValue.FromText(first.Key.ToString()) : null,
            _ => throw new ArgumentOutOfRangeException(nameof(path), path.Root, "unknown field root"),
        };
    }

    /// <summary>The value of one field of one run, or null when the run has none (for rendering a column).</summary>
    public QueryValue? Get(TRun run, FieldPath path) => Bind(path)(run);

    /// <summary>The keys the run has under a keyed root (<c>params</c>, <c>metrics</c>, <c>tags</c>); empty for other roots.</summary>
    public IEnumerable<string> Keys(TRun run, FieldRoot root) => root switch
    {
        FieldRoot.Params => Params(run)?.Keys ?? Enumerable.Empty<string>(),
        FieldRoot.Metrics => Metrics(run)?.Keys ?? Enumerable.Empty<string>(),
        FieldRoot.Tags => Tags(run)?.Keys ?? Enumerable.Empty<string>(),
        _ => [],
    };
}
