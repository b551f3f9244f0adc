namespace GitTrack.Cli.Tests.Artifacts;

/// <summary>
/// The artifacts remote in a shared folder (an NFS mount in real life, a temporary folder here): the shared scenarios,
/// plus the team-wide setting in a committed <c>.gittrack.toml</c> with a relative path.
/// </summary>
public sealed class FolderRemoteTests : ArtifactsRemoteScenarios
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gittrack-tests", "shared-" + Guid.NewGuid().ToString("N")[..12]);

    protected override string RemoteUrl => "file://" + _folder;
    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();
    protected override void SkipUnlessAvailable() { }

    private string PathOf(string key) => Path.Combine(_folder, "objects", key[..2], key[2..]);

    protected override byte[]? RemoteObject(string key) => File.Exists(PathOf(key)) ? File.ReadAllBytes(PathOf(key)) : null;

    protected override void OverwriteRemoteObject(string key, byte[] stored)
    {
        File.SetAttributes(PathOf(key), FileAttributes.Normal);
        File.WriteAllBytes(PathOf(key), stored);
    }

    protected override void DeleteRemoteObject(string key) => File.Delete(PathOf(key));

    [Fact]
    public void A_committed_gittrack_toml_sets_the_remote_for_the_whole_team_and_git_config_wins()
    {
        Clones.A.Git("config", "--unset", "gittrack.artifacts");
        Clones.B.Git("config", "--unset", "gittrack.artifacts");
        // A relative folder is taken from the work tree root; other tables and keys are left for later settings.
        var relative = Path.GetRelativePath(Clones.A.Root, _folder);
        Clones.A.WriteFile(".gittrack.toml", $"[artifacts]\nurl = \"{relative}\"\nfuture_key = 1\n\n[other]\nx = true\n");
        Clones.A.Commit("share artifacts");
        Clones.Record("t1", ("model.bin", TwoClones.RandomBytes(4096, seed: 20)));
        var key = Clones.KeyOf("t1", "model.bin");
        Clones.Ok(Clones.A, "cache", "push");
        Assert.NotNull(RemoteObject(key));
        // Objects are read-only and complete; nothing is left in the remote's temporary folder.
        var temp = Path.Combine(_folder, "objects", "tmp");
        Assert.True(!Directory.Exists(temp) || !Directory.EnumerateFiles(temp).Any());

        Clones.FetchIntoB(); // brings .gittrack.toml with the code
        Clones.Ok(Clones.B, "checkout", "t1", "--artifacts-only");
        Assert.Equal(File.ReadAllBytes(Clones.A.PathOf("model.bin")), File.ReadAllBytes(Clones.B.PathOf("model.bin")));

        Clones.B.Git("config", "gittrack.artifacts", "s3://no-such-bucket/x?token=1");
        var bad = Clones.Run(Clones.B, "cache", "pull");
        Assert.Equal(2, bad.ExitCode); // git config wins, and a URL with a query is refused
        Assert.Contains("git config gittrack.artifacts", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("token=1", bad.Stderr, StringComparison.Ordinal);
    }

    public override void Dispose()
    {
        base.Dispose();
        try
        {
            if (Directory.Exists(_folder))
            {
                foreach (var file in Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories))
                    File.SetAttributes(file, FileAttributes.Normal);
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
