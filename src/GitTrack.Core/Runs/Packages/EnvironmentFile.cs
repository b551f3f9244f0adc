using System.Text;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// Files that recreate a recorded environment (<c>gittrack env RUN --format requirements|conda</c>): pip's
/// <c>requirements.txt</c> (<c>name==version</c> of the Python packages) and conda's <c>environment.yml</c> (conda
/// packages as <c>name=version</c>, Python packages under <c>pip:</c> unless conda provides them).
/// </summary>
public static class EnvironmentFile
{
    public static string Requirements(PackageSet set, string header)
    {
        ArgumentNullException.ThrowIfNull(set);
        var sb = new StringBuilder();
        sb.Append("# ").Append(header).Append('\n');
        foreach (var package in set.Packages.Where(p => p.Manager == "pip").OrderBy(p => p.NormalizedName, StringComparer.Ordinal))
            sb.Append(package.Name).Append("==").Append(package.Version).Append('\n');
        return sb.ToString();
    }

    public static string Conda(PackageSet set, string name, string header, string? pythonVersion)
    {
        ArgumentNullException.ThrowIfNull(set);
        var conda = set.Packages.Where(p => p.Manager == "conda").ToList();
        var condaNames = conda.Select(p => p.NormalizedName).ToHashSet(StringComparer.Ordinal);
        var pip = set.Packages.Where(p => p.Manager == "pip" && !condaNames.Contains(p.NormalizedName)).ToList();
        var sb = new StringBuilder();
        sb.Append("# ").Append(header).Append('\n');
        sb.Append("name: ").Append(Yaml(name)).Append('\n');
        sb.Append("dependencies:\n");
        if (conda.Count == 0 && pythonVersion is not null)
            sb.Append("  - ").Append(Yaml("python=" + pythonVersion)).Append('\n');
        foreach (var package in conda)
            sb.Append("  - ").Append(Yaml($"{package.Name}={package.Version}")).Append('\n');
        if (pip.Count > 0)
        {
            if (!condaNames.Contains("pip"))
                sb.Append("  - pip\n");
            sb.Append("  - pip:\n");
            foreach (var package in pip)
                sb.Append("    - ").Append(Yaml($"{package.Name}=={package.Version}")).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A YAML scalar: plain when it is only safe characters, else single-quoted.</summary>
    private static string Yaml(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '=' or '+' or '!' or '<' or '>' or '*')
            && !value.StartsWith('-') && !value.StartsWith('!') && !value.StartsWith('*')
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
