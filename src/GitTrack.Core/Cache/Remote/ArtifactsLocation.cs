using GitTrack.Core.Errors;

namespace GitTrack.Core.Cache.Remote;

/// <summary>What kind of store an artifacts remote is.</summary>
public enum ArtifactsLocationKind
{
    /// <summary>An S3 bucket (AWS or anything that speaks its protocol), <c>s3://BUCKET/PREFIX</c>.</summary>
    S3 = 0,
    /// <summary>A folder on a file system (NFS, a mounted share), a path or <c>file:///...</c>.</summary>
    Folder = 1,
}

/// <summary>
/// Where a repository's artifacts remote lives, parsed from its one URL (docs/format.md "Artifacts remotes"):
/// <c>s3://BUCKET/PREFIX</c>, <c>file:///PATH</c> or a folder path (relative paths are taken from the work tree
/// root). Formats and parses; the remote's objects live under <c>&lt;prefix&gt;/objects/</c> in the cache's own layout.
/// A URL with a user, password or query is refused: credentials come from the AWS chain, never from a URL that
/// could be committed.
/// </summary>
public sealed record ArtifactsLocation
{
    private ArtifactsLocation(ArtifactsLocationKind kind, string bucket, string prefix, string folder)
    {
        Kind = kind;
        Bucket = bucket;
        Prefix = prefix;
        Folder = folder;
    }

    public ArtifactsLocationKind Kind { get; }

    /// <summary>The S3 bucket; empty for a folder.</summary>
    public string Bucket { get; }

    /// <summary>The S3 key prefix without leading or trailing slash (may be empty); empty for a folder.</summary>
    public string Prefix { get; }

    /// <summary>The absolute folder path; empty for S3.</summary>
    public string Folder { get; }

    /// <summary>The URL as users write it: <c>s3://bucket/prefix</c> or the absolute folder path.</summary>
    public override string ToString() => Kind == ArtifactsLocationKind.S3
        ? (Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}")
        : Folder;

    /// <summary>The S3 key of the object with this hex key: <c>&lt;prefix&gt;/objects/&lt;2 hex&gt;/&lt;62 hex&gt;</c>.</summary>
    public string S3KeyOf(string hexKey) => $"{ObjectsPrefix}{hexKey[..2]}/{hexKey[2..]}";

    /// <summary>The S3 key prefix every object key starts with: <c>&lt;prefix&gt;/objects/</c>.</summary>
    public string ObjectsPrefix => Prefix.Length == 0 ? "objects/" : $"{Prefix}/objects/";

    /// <summary>
    /// Parses <paramref name="url"/>; relative folder paths are resolved against <paramref name="baseFolder"/> (the
    /// work tree root). <paramref name="source"/> names where the URL was set, for error messages.
    /// </summary>
    public static ArtifactsLocation Parse(string url, string baseFolder, string source)
    {
        var text = url.Trim();
        if (text.Length == 0)
            throw Invalid("it is empty", source);
        if (text.Any(char.IsControl))
            throw Invalid("it holds control characters", source);
        if (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text[5..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var bucket = slash < 0 ? rest : rest[..slash];
            var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
            if (bucket.Contains('@', StringComparison.Ordinal) || bucket.Contains(':', StringComparison.Ordinal))
                throw Invalid("it holds a user or password; S3 credentials come from the AWS chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials), never from the URL", source);
            if (text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
                throw Invalid("an S3 URL takes no query or fragment", source);
            if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
                throw Invalid($"'{bucket}' is not a bucket name (3 to 63 lowercase letters, digits, '-', '.')", source);
            if (prefix.Split('/').Any(part => part is "." or ".." ) || prefix.Contains("//", StringComparison.Ordinal) || prefix.Contains('\\', StringComparison.Ordinal))
                throw Invalid("the prefix has an empty, '.' or '..' segment", source);
            return new ArtifactsLocation(ArtifactsLocationKind.S3, bucket, prefix, "");
        }
        string path;
        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsFile || (uri.Host.Length > 0 && uri.Host != "localhost"))
                throw Invalid("a file URL names an absolute local path: file:///PATH", source);
            path = uri.LocalPath;
        }
        else if (text.Contains("://", StringComparison.Ordinal))
            throw Invalid("only s3://BUCKET/PREFIX, file:///PATH and folder paths are supported", source);
        else
            path = Path.GetFullPath(text, baseFolder);
        return new ArtifactsLocation(ArtifactsLocationKind.Folder, "", "", Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
    }

    private static InvalidInputException Invalid(string why, string source) =>
        new($"the artifacts URL in {source} is not usable: {why}",
            "set s3://BUCKET/PREFIX or a folder path, e.g. 'git config gittrack.artifacts s3://team-bucket/project'");
}
