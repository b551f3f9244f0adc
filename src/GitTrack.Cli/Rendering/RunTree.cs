using GitTrack.Core.Runs;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// Nested runs for display: each run followed by the listed runs whose parent it is, one level deeper, in the
/// order given. A run whose parent is not in the list (filtered out, removed) stands at the top level.
/// </summary>
public static class RunTree
{
    public static List<(RunSummary Run, int Depth)> Nest(IReadOnlyList<RunSummary> runs)
    {
        var listed = runs.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var children = new Dictionary<string, List<RunSummary>>(StringComparer.Ordinal);
        var roots = new List<RunSummary>();
        foreach (var run in runs)
        {
            if (run.Parent is { } parent && parent != run.Id && listed.Contains(parent))
            {
                if (!children.TryGetValue(parent, out var list))
                    children[parent] = list = [];
                list.Add(run);
            }
            else
            {
                roots.Add(run);
            }
        }
        var result = new List<(RunSummary, int)>(runs.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Visit(RunSummary run, int depth)
        {
            if (!placed.Add(run.Id))
                return;
            result.Add((run, depth));
            foreach (var child in children.GetValueOrDefault(run.Id) ?? [])
                Visit(child, depth + 1);
        }
        foreach (var root in roots)
            Visit(root, 0);
        // Runs in a parent cycle (only a hand-edited branch has one) are still shown, at the top level.
        foreach (var run in runs)
            Visit(run, 0);
        return result;
    }
}
