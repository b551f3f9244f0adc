using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Removes credentials from URLs before they are recorded: a remote URL loses its whole user part
/// (<c>https://user:token@github.com/x/y.git</c> becomes <c>https://github.com/x/y.git</c>), a URL inside an
/// environment value keeps its user name and loses only the password (<c>postgres://me:***@db/app</c>).
/// </summary>
public static partial class UrlCredentials
{
    /// <summary>What a masked password or secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>
    /// <paramref name="url"/> without its user information (<c>user:password@</c>), query and fragment, for remote URLs:
    /// tokens travel in both (<c>?private_token=</c>, a signed URL's <c>?sig=</c>), and a git remote needs neither. SSH
    /// URLs keep a user name without password (<c>ssh://git@host/x</c>, like the scp form <c>git@host:x/y</c>, which is
    /// kept as is): there it names the account on the server, not a credential.
    /// </summary>
    public static string Strip(string url) => DropQueryAndFragment(StripUserInfo(url));

    private static string StripUserInfo(string url)
    {
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !SchemePattern().IsMatch(url.AsSpan(0, schemeEnd)))
            return url;
        int authorityStart = schemeEnd + 3;
        int authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
            authorityEnd = url.Length;
        int at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (at < 0)
            return url;
        var userInfo = url.AsSpan(authorityStart, at - authorityStart);
        var scheme = url.AsSpan(0, schemeEnd);
        bool ssh = scheme.Equals("ssh", StringComparison.OrdinalIgnoreCase) || scheme.EndsWith("+ssh", StringComparison.OrdinalIgnoreCase);
        if (ssh && !userInfo.Contains(':'))
            return url;
        return string.Concat(url.AsSpan(0, authorityStart), url.AsSpan(at + 1));
    }

    private static string DropQueryAndFragment(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
            return url;
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? url : url[..end];
    }

    /// <summary>Replaces the password of every <c>scheme://user:password@</c> inside <paramref name="text"/> with <see cref="Mask"/>.</summary>
    public static string MaskPasswords(string text) =>
        text.Contains("://", StringComparison.Ordinal) ? PasswordPattern().Replace(text, "${prefix}" + Mask + "@") : text;

    /// <summary>Whether <paramref name="text"/> holds a URL with a password.</summary>
    public static bool HasPassword(string text) =>
        text.Contains("://", StringComparison.Ordinal) && PasswordPattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*$")]
    private static partial Regex SchemePattern();

    // scheme://user:password@ ; the password runs to the last '@' before the path, so one holding '@' is masked whole.
    [GeneratedRegex(@"(?<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:)[^/?#\s]*@")]
    private static partial Regex PasswordPattern();
}
