namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// One package of a run's software environment: who installed it (<see cref="Manager"/>: <c>pip</c> for Python
/// distributions, <c>conda</c>, <c>nuget</c>, <c>system</c> for CUDA and cuDNN), its name as the manager spells it,
/// and its version.
/// </summary>
public sealed record Package(string Manager, string Name, string Version)
{
    /// <summary>The name packages are matched by across runs: PEP 503's normalisation (lowercase, runs of <c>-_.</c> as one <c>-</c>).</summary>
    public string NormalizedName => Normalize(Name);

    public static string Normalize(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        var dash = false;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                dash = true;
                continue;
            }
            if (dash && sb.Length > 0)
                sb.Append('-');
            dash = false;
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
