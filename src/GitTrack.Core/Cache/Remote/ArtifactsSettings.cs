using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using Tomlyn;
using Tomlyn.Model;

namespace GitTrack.Core.Cache.Remote;

/// <summary>
/// Which artifacts remote a repository uses: git config <c>gittrack.artifacts</c> (one clone; wins), else
/// <c>url</c> in the <c>[artifacts]</c> table of the committed file <c>.gittrack.toml</c> at the work tree root
/// (a whole team). Other tables and keys in that file are ignored, so later settings can join it.
/// </summary>
public static class ArtifactsSettings
{
    public const string ConfigKey = "gittrack.artifacts";
    public const string FileName = ".gittrack.toml";

    /// <summary>The configured remote, or null when none is set.</summary>
    public static ArtifactsLocation? Find(GitDirectories directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var configured = GitSettings.Get(directories, ConfigKey);
        if (!string.IsNullOrWhiteSpace(configured))
            return ArtifactsLocation.Parse(configured, directories.WorkTree, $"git config {ConfigKey}");
        var file = Path.Combine(directories.WorkTree, FileName);
        if (!File.Exists(file))
            return null;
        return FromToml(File.ReadAllText(file), directories.WorkTree);
    }

    /// <summary>The <c>[artifacts] url</c> of a <c>.gittrack.toml</c> text, or null when it sets none. Internal for tests.</summary>
    internal static ArtifactsLocation? FromToml(string text, string workTree)
    {
        TomlTable document;
        try
        {
            document = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            throw new InvalidInputException($"{FileName} is not valid TOML: {FirstLine(e.Message)}", $"fix {FileName} at the repository root");
        }
        if (!document.TryGetValue("artifacts", out var section))
            return null;
        if (section is not TomlTable table)
            throw new InvalidInputException($"'artifacts' in {FileName} is not a table", "write it as [artifacts] with url = \"s3://BUCKET/PREFIX\"");
        if (!table.TryGetValue("url", out var url))
            return null;
        if (url is not string text2)
            throw new InvalidInputException($"[artifacts] url in {FileName} is not a string", "write url = \"s3://BUCKET/PREFIX\" or a folder path in quotes");
        return ArtifactsLocation.Parse(text2, workTree, FileName);
    }

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();
}
