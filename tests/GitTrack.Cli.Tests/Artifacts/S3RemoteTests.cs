using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Artifacts;

/// <summary>
/// The artifacts remote on a real S3 server (s3rver on 127.0.0.1, a random port and keys, started and stopped by the
/// test): the shared scenarios, plus what is S3's own: a 100 MB object in a multipart upload and ranged download, and
/// an upload killed midway that leaves nothing under the final key and is done by the next push.
/// </summary>
public sealed class S3RemoteTests : ArtifactsRemoteScenarios
{
    private S3Server? _server;

    private S3Server Server => _server ??= new S3Server();

    protected override string RemoteUrl => $"s3://{S3Server.Bucket}/team/project";
    protected override IReadOnlyDictionary<string, string> Environment => Server.Environment;
    protected override void SkipUnlessAvailable() => S3Server.SkipUnlessAvailable();

    private static string S3Key(string key) => $"team/project/objects/{key[..2]}/{key[2..]}";

    protected override byte[]? RemoteObject(string key) =>
        File.Exists(Server.FileOf(S3Key(key))) ? File.ReadAllBytes(Server.FileOf(S3Key(key))) : null;

    protected override void OverwriteRemoteObject(string key, byte[] stored)
    {
        var path = Server.FileOf(S3Key(key));
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, stored);
    }

    protected override void DeleteRemoteObject(string key)
    {
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(Server.FileOf(S3Key(key)))!, key[2..] + "._S3rver_*"))
            File.Delete(file);
    }

    [SkippableFact]
    public void A_100_MB_object_goes_up_in_parts_and_comes_down_in_ranges()
    {
        SkipUnlessAvailable();
        var model = TwoClones.RandomBytes(100 << 20, seed: 10);
        Clones.Record("big", ("model.bin", model));
        var key = Clones.KeyOf("big", "model.bin");
        var uploads = Path.Combine(Server.Folder, "data", S3Server.Bucket, "._S3rver_uploads");
        var partsSeen = 0;
        using (var push = GitTrackProcess.Start(Clones.A, Clones.Environment, "cache", "push", "big"))
        {
            // The server keeps a multipart upload's parts apart until it is completed: count those that arrive.
            var result = default(ProcessResult);
            BackgroundProcess.WaitUntil(() =>
            {
                if (Directory.Exists(uploads))
                    partsSeen = Math.Max(partsSeen, Directory.EnumerateFiles(uploads, "*.md5", SearchOption.AllDirectories).Count());
                return push.HasExited;
            }, TimeSpan.FromMinutes(5), "the push");
            result = push.WaitForExit();
            Assert.True(result.ExitCode == 0, result.Stderr);
        }
        Assert.True(partsSeen >= 2, $"saw {partsSeen} uploaded parts of a 100 MB object");
        Assert.Equal(File.ReadAllBytes(TwoClones.ObjectPath(Clones.A, key)), RemoteObject(key));

        Clones.FetchIntoB();
        Clones.Ok(Clones.B, "cache", "pull", "big");
        Clones.Ok(Clones.B, "checkout", "big", "--artifacts-only");
        Assert.Equal(Sha(model), Sha(File.ReadAllBytes(Clones.B.PathOf("model.bin"))));
    }

    [SkippableFact]
    public void An_upload_killed_midway_leaves_nothing_under_the_final_key_and_the_next_push_completes_it()
    {
        SkipUnlessAvailable();
        var model = TwoClones.RandomBytes(100 << 20, seed: 11);
        Clones.Record("k1", ("model.bin", model));
        var key = Clones.KeyOf("k1", "model.bin");
        var uploads = Path.Combine(Server.Folder, "data", S3Server.Bucket, "._S3rver_uploads");

        using (var push = GitTrackProcess.Start(Clones.A, Clones.Environment, "cache", "push", "k1"))
        {
            // Killed once the server holds at least one part of the model's multipart upload.
            BackgroundProcess.WaitUntil(() => Directory.Exists(uploads) && Directory.EnumerateFiles(uploads, "*.md5", SearchOption.AllDirectories).Any(),
                TimeSpan.FromMinutes(3), "the first uploaded part");
            push.Signal("KILL");
            push.WaitForExit(TimeSpan.FromMinutes(1));
        }
        Assert.Null(RemoteObject(key));
        Assert.DoesNotContain(S3Key(key), Server.Keys());

        Clones.FetchIntoB();
        var missing = Clones.Run(Clones.B, "cache", "cat", key, "-o", Path.Combine(Clones.B.Root, "..", "x"));
        Assert.Equal(2, missing.ExitCode); // not there at all, rather than there and wrong

        Assert.Contains("pushed", Clones.Ok(Clones.A, "cache", "push", "k1").Stdout, StringComparison.Ordinal);
        Clones.Ok(Clones.B, "checkout", "k1", "--artifacts-only");
        Assert.Equal(Sha(model), Sha(File.ReadAllBytes(Clones.B.PathOf("model.bin"))));
    }

    [SkippableFact]
    public void A_remote_holding_more_objects_than_one_listing_page_is_listed_in_full()
    {
        SkipUnlessAvailable();
        // 1,100 files and the log, 1,101 objects: S3 lists at most 1,000 per page, so the second push and gc must follow continuation tokens.
        for (var i = 0; i < 1100; i++)
            Clones.A.WriteFile($"out/f{i:D4}.txt", $"file {i}\n");
        Clones.Ok(Clones.A, "run", "-n", "many", "-a", "out", "--", "true");
        Assert.Contains("pushed 1101 objects", Clones.Ok(Clones.A, "cache", "push", "many").Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to push: all 1101 objects", Clones.Ok(Clones.A, "cache", "push", "many").Stdout, StringComparison.Ordinal);
        Clones.FetchIntoB(); // B's remote-tracking runs branch is what tells gc --remote which objects are used
        var gc = Clones.Ok(Clones.B, "gc", "--remote", "--dry-run", "--grace", "0");
        Assert.Contains("would delete 0 objects", gc.Stdout, StringComparison.Ordinal);
        Assert.Contains("kept 1,101 referenced", gc.Stdout, StringComparison.Ordinal);
    }

    public override void Dispose()
    {
        base.Dispose();
        _server?.Dispose();
    }
}
