namespace GitTrack.Core.Storage;

/// <summary>Removes what must never be committed from a remote URL: user, password or token, query and fragment.</summary>
public static class RemoteUrls
{
    /// <summary><c>https://user:tok@host/x?token=y</c> becomes <c>https://host/x</c>; scp-like <c>git@host:x</c> is kept (no secret in it).</summary>
    public static string StripCredentials(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return url;
        var start = scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        var at = authority.LastIndexOf('@');
        var rest = end < 0 ? "" : url[end..];
        var cut = rest.IndexOfAny(['?', '#']);
        if (cut >= 0)
            rest = rest[..cut];
        return url[..start] + (at >= 0 ? authority[(at + 1)..] : authority) + rest;
    }
}
