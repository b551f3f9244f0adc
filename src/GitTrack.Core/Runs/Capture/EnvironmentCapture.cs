using System.Collections;
using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// The environment a run records, with secrets masked so that nothing secret is ever committed (docs/protocol.md,
/// "Environment"). A variable's value becomes <c>***</c> when its name suggests a secret (contains TOKEN, SECRET,
/// PASSWORD, PASSWD, KEY, CREDENTIAL, AUTH but not as part of AUTHOR, COOKIE, SESSION, PRIVATE, DSN; or ends in _PASS or _PWD) or its value
/// looks like a known kind of key (AWS, GitHub, GitLab, Slack, OpenAI/Anthropic, Stripe, Hugging Face, Google, npm,
/// PyPI, JWT, a private key block); a URL's password becomes <c>***</c>. Shell noise (LS_COLORS, prompts, exported
/// functions) is left out.
/// </summary>
public static partial class EnvironmentCapture
{
    public const int MaxValueLength = 8192;

    private static readonly string[] SecretNameParts =
        ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "COOKIE", "SESSION", "PRIVATE", "DSN"];

    private static readonly HashSet<string> NoisyNames = new(StringComparer.Ordinal)
    {
        "LS_COLORS", "LSCOLORS", "TERMCAP", "_", "OLDPWD", "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND",
    };

    /// <summary>This process's environment, masked, in ordinal order of names.</summary>
    public static SortedDictionary<string, string> Capture() => Capture(Environment.GetEnvironmentVariables());

    /// <summary><paramref name="variables"/> (name to value), masked, noise left out, in ordinal order of names.</summary>
    public static SortedDictionary<string, string> Capture(IDictionary variables) => Capture(variables, new SecretMasking());

    /// <summary>As <see cref="Capture(IDictionary)"/>; <paramref name="masking"/> remembers what was masked (for the log).</summary>
    public static SortedDictionary<string, string> Capture(IDictionary variables, SecretMasking masking)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(masking);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is not string name || IsNoise(name))
                continue;
            result[name] = MaskValue(name, entry.Value as string ?? "", masking);
        }
        return result;
    }

    /// <summary>Whether a variable is left out of the record: shell display settings and exported shell functions.</summary>
    public static bool IsNoise(string name) =>
        NoisyNames.Contains(name) || name.StartsWith("BASH_FUNC_", StringComparison.Ordinal);

    /// <summary>The value recorded for variable <paramref name="name"/>: <c>***</c>, the value with the secrets inside it masked, or the value.</summary>
    public static string MaskValue(string name, string value) => MaskValue(name, value, new SecretMasking());

    /// <summary>As <see cref="MaskValue(string, string)"/>; <paramref name="masking"/> remembers what was masked.</summary>
    public static string MaskValue(string name, string value, SecretMasking masking)
    {
        ArgumentNullException.ThrowIfNull(masking);
        if (value.Length == 0)
            return value;
        // A variable is masked whole when its name or a key shape says so: a rerun then takes the current value.
        if (IsSecretName(name) || LooksLikeSecret(value))
            return masking.Whole(value);
        if (value.Length > MaxValueLength)
            return $"<{value.Length} characters, not recorded>";
        // Otherwise only the secrets inside it: a URL's password, Password=...; in a connection string, a webhook URL.
        return masking.Text(value);
    }

    /// <summary>
    /// Whether a variable name suggests its value is a secret (case-insensitive). Errs on the safe side: KEYBOARD_LAYOUT
    /// and MONKEY match too. AUTH matches except as part of AUTHOR (GIT_AUTHOR_NAME, an author is no secret);
    /// AUTHORIZATION and AUTHORISATION still match.
    /// </summary>
    public static bool IsSecretName(string name)
    {
        foreach (var part in SecretNameParts)
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
                return true;
        return AuthNamePattern().IsMatch(name)
            || name.EndsWith("_PASS", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("_PWD", StringComparison.OrdinalIgnoreCase)
            || name.Equals("PASS", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="value"/> holds something shaped like a known kind of key or token.</summary>
    public static bool LooksLikeSecret(string value) => value.Length >= 16 && SecretValuePattern().IsMatch(value);

    [GeneratedRegex("AUTH(?!OR(?!I[SZ]))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthNamePattern();

    [GeneratedRegex("""
        \b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b
        | \bgh[pousr]_[A-Za-z0-9]{30,}
        | \bgithub_pat_[A-Za-z0-9_]{20,}
        | \bglpat-[A-Za-z0-9_-]{20,}
        | \bxox[abposre]-[A-Za-z0-9-]{10,}
        | \bsk-[A-Za-z0-9_-]{20,}
        | \b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}
        | \bhf_[A-Za-z0-9]{30,}
        | \bAIza[0-9A-Za-z_-]{35}
        | \bnpm_[A-Za-z0-9]{36}
        | \bpypi-[A-Za-z0-9_-]{50,}
        | \beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*
        | -----BEGIN[A-Z0-9 ]*PRIVATE\ KEY-----
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    internal static partial Regex SecretValuePattern();
}
