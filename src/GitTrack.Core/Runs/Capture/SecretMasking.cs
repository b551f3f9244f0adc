using System.Text;
using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// The one rule set that keeps secrets out of what a run records (docs/protocol.md, "Secrets"): the command line,
/// params, tags, the note and the error message go through it before they reach the branch, the environment through
/// <see cref="EnvironmentCapture"/>, which uses it for values. A secret is replaced by <see cref="Mask"/>; what was
/// replaced is remembered in <see cref="Found"/>, so the captured log can lose the same values.
/// <list type="bullet">
/// <item>A name is secret (<see cref="IsSecretName"/>) by its words, not by any substring, so that <c>max_tokens</c>,
/// <c>pad_token</c>, <c>tokenizer</c>, <c>sort_key</c> or <c>num_key_value_heads</c> stay visible: a word such as
/// <c>password</c>, <c>secret</c>, <c>credentials</c>; or <c>key</c>/<c>token</c> alone or after a word that makes it
/// one (<c>api_key</c>, <c>AccountKey</c>, <c>hf_token</c>); or a compound such as <c>apikey</c>, <c>PGPASSWORD</c>.</item>
/// <item>In text (<see cref="Text"/>): key blocks and token shapes (<see cref="EnvironmentCapture.LooksLikeSecret"/>),
/// URL passwords, URL query parameters with secret names, webhook URLs (Slack, Discord), and <c>NAME=value</c>,
/// <c>NAME: value</c> or <c>--NAME value</c> where NAME is secret (a connection string's <c>Password=...;</c>,
/// <c>AccountKey=...</c>, an <c>OPTS=--password=...</c>).</item>
/// <item>On a command line (<see cref="Command"/>): the value of a secret-named option (<c>--api-key=V</c>,
/// <c>--password V</c>), a secret-named <c>NAME=V</c> argument, the value of <c>-p</c> once a secret-named option came
/// before it, and whatever <see cref="Text"/> finds in each argument.</item>
/// </list>
/// Masking is idempotent: what it returns, masked again, stays the same.
/// </summary>
public sealed partial class SecretMasking
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = UrlCredentials.Mask;

    /// <summary>Secrets shorter than this are not searched for in the log: "1", "us" or "ubuntu" (a masked session variable) would mask half of it.</summary>
    public const int MinLogSecretLength = 8;

    // Words that make a name secret wherever they stand in it.
    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "password", "passwords", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "credential", "credentials",
        "cookie", "cookies", "dsn", "apikey", "apikeys", "privatekey", "authorization", "authorisation", "auth", "bearer",
        "signature", "jwt",
    };

    // 'key' and 'token' name too many ordinary things (pad_token, sort_key) to be secret alone: they are when they stand
    // alone or after one of these words.
    private static readonly HashSet<string> KeyWords = new(StringComparer.Ordinal) { "key", "keys", "token", "tokens" };

    private static readonly HashSet<string> KeyQualifiers = new(StringComparer.Ordinal)
    {
        "api", "access", "secret", "private", "auth", "client", "master", "encryption", "signing", "sign", "account",
        "storage", "service", "license", "licence", "app", "webhook", "ssh", "gpg", "pgp", "bearer", "refresh", "session",
        "oauth", "personal", "bot", "user", "id", "github", "gh", "gitlab", "hf", "huggingface", "slack", "npm", "pypi",
        "shared", "subscription", "deploy", "admin", "root", "csrf", "xsrf", "sas", "security", "wandb", "openai",
        "anthropic", "aws", "gcp", "azure", "stripe", "hmac", "crypt", "decrypt", "jwt", "registry", "docker",
    };

    // Compounds written without separators (PGPASSWORD, clientSecret, APIKEY).
    private static readonly string[] SecretCompounds =
    [
        "password", "passwd", "passphrase", "secret", "credential", "apikey", "accesskey", "secretkey", "privatekey",
        "authtoken", "accesstoken", "refreshtoken", "apitoken", "sessiontoken", "bearertoken",
    ];

    // Extra names that are secret as URL query parameters (Azure SAS 'sig', AWS and GCS signed URLs).
    private static readonly HashSet<string> SecretQueryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
        "x-goog-credential", "code", "ticket",
    };

    private readonly HashSet<string> _found = new(StringComparer.Ordinal);

    /// <summary>The secret values masked so far (each as it was before masking), for <see cref="LogMasking"/>.</summary>
    public IReadOnlyCollection<string> Found => _found;

    /// <summary>
    /// Whether a param, tag, option or connection-string name names a secret (case-insensitive, by words: see the
    /// type's summary). The environment uses the broader <see cref="EnvironmentCapture.IsSecretName"/>.
    /// </summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = Words(name);
        for (var i = 0; i < words.Count; i++)
        {
            if (SecretWords.Contains(words[i]))
                return true;
            if (KeyWords.Contains(words[i]) && (words.Count == 1 || (i > 0 && KeyQualifiers.Contains(words[i - 1]))))
                return true;
        }
        var compact = new string(name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        foreach (var compound in SecretCompounds)
            if (compact.Contains(compound, StringComparison.Ordinal))
                return true;
        return false;
    }

    /// <summary>The lowercase words of a name: split at anything not a letter or digit and at camelCase humps.</summary>
    internal static List<string> Words(string name)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0)
                words.Add(word.ToString().ToLowerInvariant());
            word.Clear();
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }
            // "accountKey" -> account|Key, "HTTPAuth" -> HTTP|Auth; "PGPASSWORD" stays one word (the compounds catch it).
            if (word.Length > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                Flush();
            word.Append(c);
        }
        Flush();
        return words;
    }

    /// <summary>A secret-named value masked whole, else the value with the secrets inside it masked (<see cref="Text"/>).</summary>
    public string Value(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && IsSecretName(name) ? Whole(value) : Text(value);
    }

    /// <summary>A param value: masked whole (as the string <c>***</c>) when its name is secret; a string's inner secrets masked.</summary>
    public object Param(string name, object value) => value switch
    {
        string s => Value(name, s),
        _ when IsSecretName(name) => Remember(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", Mask),
        _ => value,
    };

    /// <summary>The record as it may be stored: command, params, tags, note and error masked (the environment was masked when captured).</summary>
    public RunRecord Record(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in run.Params)
            parameters[name] = Param(name, value);
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in run.Tags)
            tags[name] = Value(name, value);
        return run with
        {
            Command = Command(run.Command),
            Params = parameters,
            Tags = tags,
            Note = run.Note is null ? null : Text(run.Note),
            Error = run.Error is null ? null : Text(run.Error),
        };
    }

    /// <summary>A command line with the values of secret options and the secrets inside arguments masked.</summary>
    public IReadOnlyList<string> Command(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var result = new string[argv.Count];
        var maskNext = false;
        var sawSecretOption = false;
        for (var i = 0; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (maskNext && arg.Length > 0 && !arg.StartsWith('-'))
            {
                maskNext = false;
                result[i] = arg == Mask ? arg : Remember(arg, Mask);
                continue;
            }
            maskNext = false;
            if (sawSecretOption && arg.Length >= 2 && arg[0] == '-' && arg[1] is 'p' or 'P')
            {
                // Once the command line named a secret option, '-p' is taken for a password (mysql, sshpass, docker login):
                // '-p VALUE' or '-pVALUE'.
                if (arg.Length == 2)
                {
                    maskNext = true;
                    result[i] = arg;
                    continue;
                }
                if (arg[2] is not ('-' or '='))
                {
                    result[i] = arg[2..] == Mask ? arg : Remember(arg[2..], arg[..2] + Mask);
                    continue;
                }
            }
            if (OptionPattern().Match(arg) is { Success: true } option && IsSecretName(option.Groups["name"].Value))
            {
                sawSecretOption = true;
                if (!option.Groups["value"].Success)
                {
                    maskNext = true; // --password VALUE
                    result[i] = arg;
                    continue;
                }
                var value = option.Groups["value"].Value;
                result[i] = value.Length == 0 || value == Mask
                    ? arg
                    : Remember(value, $"{option.Groups["dashes"].Value}{option.Groups["name"].Value}={Mask}");
                continue;
            }
            if (AssignmentPattern().Match(arg) is { Success: true } assignment && IsSecretName(assignment.Groups["name"].Value))
            {
                // NAME=VALUE as make, env and Hydra overrides take it (db.password=x).
                var value = assignment.Groups["value"].Value;
                result[i] = value.Length == 0 || value == Mask ? arg : Remember(value, $"{assignment.Groups["name"].Value}={Mask}");
                continue;
            }
            result[i] = Text(arg);
        }
        return result;
    }

    /// <summary>Free text (a note, an error, a value) with every secret the rules find inside it masked, the rest kept.</summary>
    public string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
            return text;
        var masked = ReplaceEach(PrivateKeyBlockPattern(), text, m => Remember(m.Value, Mask));
        masked = ReplaceEach(EnvironmentCapture.SecretValuePattern(), masked, m => Remember(m.Value, Mask));
        if (masked.Contains("://", StringComparison.Ordinal))
        {
            masked = ReplaceEach(UrlPasswordPattern(), masked, m => m.Groups["password"].Value is "" or Mask ? null
                : Remember(m.Groups["password"].Value, m.Groups["prefix"].Value + Mask + "@"));
            masked = ReplaceEach(WebhookPattern(), masked, m => m.Groups["secret"].Value == Mask ? null
                : Remember(m.Groups["secret"].Value, m.Groups["prefix"].Value + Mask));
            masked = ReplaceEach(QueryParameterPattern(), masked, m =>
            {
                var name = m.Groups["name"].Value;
                var value = m.Groups["value"].Value;
                return value.Length == 0 || value == Mask || !(IsSecretName(name) || SecretQueryNames.Contains(name))
                    ? null
                    : Remember(value, m.Groups["prefix"].Value + Mask);
            });
        }
        masked = ReplaceEach(PairPattern(), masked, m =>
        {
            if (!IsSecretName(m.Groups["name"].Value))
                return null;
            var value = m.Groups["value"].Value;
            var quote = m.Groups["quote"].Value;
            var inner = quote.Length > 0 ? value[1..^1] : value;
            return inner.Length == 0 || inner == Mask ? null : Remember(inner, m.Groups["head"].Value + quote + Mask + quote);
        });
        masked = ReplaceEach(OptionValuePattern(), masked, m =>
            !IsSecretName(m.Groups["name"].Value) || m.Groups["value"].Value == Mask
                ? null
                : Remember(m.Groups["value"].Value, m.Groups["head"].Value + Mask));
        return masked;
    }

    /// <summary>
    /// Replaces each match <paramref name="replace"/> gives a replacement for. A match it declines (null) is not
    /// consumed: the search goes on from its next character, so 'note: password=x' still finds 'password=x' after
    /// declining 'note: password=x'.
    /// </summary>
    private static string ReplaceEach(Regex regex, string text, Func<Match, string?> replace)
    {
        StringBuilder? result = null;
        var copied = 0;
        var position = 0;
        while (position <= text.Length)
        {
            var match = regex.Match(text, position);
            if (!match.Success)
                break;
            if (replace(match) is not { } replacement)
            {
                position = match.Index + 1;
                continue;
            }
            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, match.Index - copied).Append(replacement);
            copied = match.Index + match.Length;
            position = match.Length == 0 ? copied + 1 : copied;
        }
        if (result is null)
            return text;
        return result.Append(text, copied, text.Length - copied).ToString();
    }

    private string Remember(string secret, string replacement)
    {
        if (secret.Length > 0 && secret != Mask)
            _found.Add(secret);
        return replacement;
    }

    /// <summary><see cref="Mask"/> for a value that is a secret as a whole (remembered for the log).</summary>
    public string Whole(string value) => value.Length == 0 ? value : Remember(value, Mask);

    // --name, -name, --name=value (the value may be empty); the name starts with a letter.
    [GeneratedRegex(@"^(?<dashes>--?)(?<name>[A-Za-z][A-Za-z0-9_.-]*)(?:=(?<value>.*))?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_.-]*)=(?<value>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY-----|.*$)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyBlockPattern();

    // scheme://user:password@ ; the password runs to the last '@' before the path (as UrlCredentials does).
    [GeneratedRegex(@"(?<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:)(?<password>[^/?#\s]*)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPasswordPattern();

    // Slack (hooks.slack.com/services/T../B../secret, /workflows/...) and Discord (discord.com/api/webhooks/id/token).
    [GeneratedRegex(@"(?<prefix>https?://(?:hooks\.slack\.com/(?:services|workflows|triggers)/|(?:canary\.|ptb\.)?discord(?:app)?\.com/api/webhooks/))(?<secret>[^\s?#""']+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WebhookPattern();

    // ?name=value or &name=value inside a URL (only where '://' was seen).
    [GeneratedRegex(@"(?<prefix>[?&](?<name>[A-Za-z0-9_.\-]+)=)(?<value>[^&#\s""']*)", RegexOptions.CultureInvariant)]
    private static partial Regex QueryParameterPattern();

    // NAME=value or NAME: value, NAME at a word start ('--password=', 'Password=', '"api_key": "x"'); the value is quoted,
    // or runs to whitespace, ';', '&', ',' or a quote; an HTTP auth scheme takes the word after it along
    // ('Authorization: Bearer x').
    [GeneratedRegex(@"(?<head>(?<=^|[\s;&,?(\[{""'])-{0,2}""?(?<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63})""?\s*(?:=|:\s*))(?<value>(?<quote>[""'])(?:(?!\k<quote>).)*\k<quote>|(?:(?i:bearer|basic|token|digest)\s+)?[^\s;&,""']+)",
        RegexOptions.CultureInvariant)]
    private static partial Regex PairPattern();

    // --name value (an option and its value, separated by spaces, inside text such as OPTS="--password x").
    [GeneratedRegex(@"(?<head>(?<=^|\s)--?(?<name>[A-Za-z][A-Za-z0-9_.-]*)\s+)(?<value>[^\s\-][^\s]*)", RegexOptions.CultureInvariant)]
    private static partial Regex OptionValuePattern();
}
