using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage;

/// <summary>
/// The name of the orphan branch runs are committed to: <c>refs/heads/gittrack/runs</c> unless git config
/// <c>gittrack.branch</c> names another. Formats the full ref name and parses one back.
/// </summary>
public sealed record RunsBranch
{
    public const string DefaultName = "gittrack/runs";
    public const string ConfigKey = "gittrack.branch";
    private const string HeadsPrefix = "refs/heads/";

    private RunsBranch(string name) => Name = name;

    /// <summary>The short branch name (<c>gittrack/runs</c>).</summary>
    public string Name { get; }

    /// <summary>The full ref name (<c>refs/heads/gittrack/runs</c>).</summary>
    public string RefName => HeadsPrefix + Name;

    public static RunsBranch Default { get; } = new(DefaultName);

    /// <summary>A branch from a short name or a full <c>refs/heads/...</c> name; rejects names git would refuse.</summary>
    public static RunsBranch Parse(string name)
    {
        var shortName = name.StartsWith(HeadsPrefix, StringComparison.Ordinal) ? name[HeadsPrefix.Length..] : name;
        if (!IsValidBranchName(shortName))
            throw new InvalidInputException($"invalid runs branch name '{name}' in git config {ConfigKey}",
                $"set it to a valid branch name, e.g. 'git config {ConfigKey} {DefaultName}'");
        return new RunsBranch(shortName);
    }

    public override string ToString() => RefName;

    // The subset of git check-ref-format rules that matter for a name someone typed into git config.
    private static bool IsValidBranchName(string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.EndsWith('/') || name.EndsWith(".lock", StringComparison.Ordinal)
            || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal)
            || name.Contains("@{", StringComparison.Ordinal) || name == "@")
            return false;
        foreach (var c in name)
            if (c < 0x20 || c == 0x7f || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')
                return false;
        return name.Split('/').All(part => part.Length > 0 && !part.StartsWith('.'));
    }
}
