using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;

namespace GitTrack.Core.Diff;

/// <summary>Compares what two runs ran on and read: their package environments and their inputs.</summary>
public static class EnvironmentDiffer
{
    /// <summary>Every package of either set, by manager then normalised name; a missing set counts as empty.</summary>
    public static IReadOnlyList<PackageChange> Packages(PackageSet? a, PackageSet? b)
    {
        var old = (a?.Packages ?? []).ToDictionary(p => (p.Manager, p.NormalizedName));
        var @new = (b?.Packages ?? []).ToDictionary(p => (p.Manager, p.NormalizedName));
        return [.. old.Keys.Concat(@new.Keys).Distinct()
            .OrderBy(k => k.Manager, StringComparer.Ordinal).ThenBy(k => k.NormalizedName, StringComparer.Ordinal)
            .Select(k => new PackageChange(k.Manager, (@new.GetValueOrDefault(k) ?? old[k]).Name,
                old.GetValueOrDefault(k)?.Version, @new.GetValueOrDefault(k)?.Version))];
    }

    /// <summary>Every input path of either run, in code point order.</summary>
    public static IReadOnlyList<InputChange> Inputs(IReadOnlyList<InputEntry> a, IReadOnlyList<InputEntry> b)
    {
        var old = a.ToDictionary(i => i.Path, StringComparer.Ordinal);
        var @new = b.ToDictionary(i => i.Path, StringComparer.Ordinal);
        return [.. old.Keys.Concat(@new.Keys).Distinct(StringComparer.Ordinal).Order(CodePointOrder.Instance)
            .Select(path => new InputChange(path, old.GetValueOrDefault(path), @new.GetValueOrDefault(path)))];
    }
}
