using System.IO.Enumeration;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Which untracked files the code snapshot leaves out because their names say they hold secrets (docs/format.md,
/// "The code snapshot"): <c>.env</c>, keys, certificates, credentials files. A pattern without <c>/</c> matches a
/// file's name in any folder; one with <c>/</c> matches the last segments of its path (<c>.aws/credentials</c>);
/// <c>*</c> and <c>?</c> match within a segment; letter case is ignored. A repository changes the list with the
/// multi-valued git config <c>gittrack.secretFiles</c>: a value adds a pattern, <c>!PATTERN</c> removes one, and
/// <c>none</c> removes all those before it. It is git config, not a committed file, on purpose: letting secrets into
/// the runs branch is a choice each clone makes, which a pulled commit cannot make for it.
/// </summary>
public sealed class SecretFiles
{
    /// <summary>The git config key (multi-valued) that changes the list.</summary>
    public const string ConfigKey = "gittrack.secretFiles";

    /// <summary>The patterns used when the repository says nothing.</summary>
    public static readonly IReadOnlyList<string> DefaultPatterns =
    [
        ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore",
        "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
        ".netrc", "_netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc",
        ".aws/credentials", "credentials.json", "client_secret*.json", "service-account*.json",
        "kubeconfig", "kubeconfig.*", "*.kubeconfig", ".kube/config",
    ];

    private SecretFiles(IReadOnlyList<string> patterns) => Patterns = patterns;

    /// <summary>The default list.</summary>
    public static SecretFiles Default { get; } = new(DefaultPatterns);

    /// <summary>The patterns in force.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The defaults changed by the values of <see cref="ConfigKey"/>, in the order git lists them.</summary>
    public static SecretFiles FromConfig(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var patterns = DefaultPatterns.ToList();
        foreach (var raw in values)
        {
            var value = raw.Trim();
            if (value.Length == 0)
                continue;
            if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
                patterns.Clear();
            else if (value.StartsWith('!'))
                patterns.RemoveAll(p => p.Equals(value[1..], StringComparison.OrdinalIgnoreCase));
            else if (!patterns.Contains(value, StringComparer.OrdinalIgnoreCase))
                patterns.Add(value.Trim('/'));
        }
        return new SecretFiles(patterns);
    }

    /// <summary>The first pattern <paramref name="path"/> (relative, '/'-separated) matches, or null.</summary>
    public string? Match(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/');
        foreach (var pattern in Patterns)
        {
            var parts = pattern.Split('/');
            if (parts.Length > segments.Length)
                continue;
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
                matches = FileSystemName.MatchesSimpleExpression(parts[i], segments[segments.Length - parts.Length + i], ignoreCase: true);
            if (matches)
                return pattern;
        }
        return null;
    }
}
