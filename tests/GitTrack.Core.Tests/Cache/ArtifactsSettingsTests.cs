using GitTrack.Core.Cache;
using GitTrack.Core.Cache.Remote;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using GitTrack.Core.Storage;

namespace GitTrack.Core.Tests.Cache;

/// <summary>The artifacts remote's URL, its TOML setting, the keys a manifest references for gc, and grace durations.</summary>
public sealed class ArtifactsSettingsTests
{
    [Theory]
    [InlineData("s3://team-bucket/ml/project", "team-bucket", "ml/project", "ml/project/objects/ab/cdef")]
    [InlineData("s3://team-bucket", "team-bucket", "", "objects/ab/cdef")]
    [InlineData("S3://team-bucket/p/", "team-bucket", "p", "p/objects/ab/cdef")]
    public void S3_urls_name_a_bucket_and_a_prefix_in_the_caches_layout(string url, string bucket, string prefix, string objectKey)
    {
        var location = ArtifactsLocation.Parse(url, "/work", "test");
        Assert.Equal(ArtifactsLocationKind.S3, location.Kind);
        Assert.Equal(bucket, location.Bucket);
        Assert.Equal(prefix, location.Prefix);
        Assert.Equal(objectKey, location.S3KeyOf("abcdef"));
    }

    [Theory]
    [InlineData("/mnt/team/cache", "/mnt/team/cache")]
    [InlineData("file:///mnt/team/cache/", "/mnt/team/cache")]
    [InlineData("../shared", "/work/shared")]
    public void Folders_are_paths_or_file_urls_relative_to_the_work_tree(string url, string folder)
    {
        var location = ArtifactsLocation.Parse(url, "/work/repo", "test");
        Assert.Equal(ArtifactsLocationKind.Folder, location.Kind);
        Assert.Equal(folder, location.Folder);
    }

    [Theory]
    [InlineData("s3://AKIAXYZ:supersecret@bucket/p")]
    [InlineData("s3://bucket/p?X-Amz-Credential=supersecret")]
    [InlineData("https://bucket.example.com/p")]
    [InlineData("s3://a/p")]
    [InlineData("s3://bucket/../p")]
    [InlineData("")]
    public void Unusable_urls_are_refused_without_repeating_secrets(string url)
    {
        var error = Assert.Throws<InvalidInputException>(() => ArtifactsLocation.Parse(url, "/work", "git config gittrack.artifacts"));
        Assert.Contains("git config gittrack.artifacts", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("supersecret", error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_toml_file_reads_artifacts_url_and_ignores_other_keys()
    {
        var location = ArtifactsSettings.FromToml("title = 'x'\n[artifacts]\nurl = \"s3://bucket/p\"\nretries = 3\n[future.table]\nk = 1\n", "/work");
        Assert.Equal("s3://bucket/p", location!.ToString());
        Assert.Null(ArtifactsSettings.FromToml("[other]\nurl = 'x'\n", "/work"));
        Assert.Null(ArtifactsSettings.FromToml("[artifacts]\n", "/work"));
        Assert.Throws<InvalidInputException>(() => ArtifactsSettings.FromToml("[artifacts]\nurl = 3\n", "/work"));
        Assert.Throws<InvalidInputException>(() => ArtifactsSettings.FromToml("[artifacts\n", "/work"));
    }

    [Fact]
    public void Every_64_hex_digit_run_in_a_manifest_counts_as_referenced()
    {
        var a = new string('a', 64);
        var b = "0123456789abcdef".PadRight(64, '1');
        var text = $"blake3 = \"{a}\"\nnote = \"{b}\"\ncommit = \"{new string('c', 40)}\"\nlonger = \"{new string('d', 65)}\"\n";
        var keys = new HashSet<Blake3Hash>();
        RunsRefs.ScanKeys(System.Text.Encoding.UTF8.GetBytes(text), keys);
        Assert.Equal(new[] { a, b }.Order(), keys.Select(k => k.ToString()).Order());
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("12h", 43200)]
    [InlineData("1d", 86400)]
    [InlineData("2w", 1209600)]
    [InlineData("1.5h", 5400)]
    public void Grace_periods_parse(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CacheCollector.ParseDuration(text));

    [Fact]
    public void An_object_need_names_run_path_and_key()
    {
        var key = Blake3Hash.Parse(new string('e', 64));
        Assert.Equal($"models/m.pt of run_001 (3f9c2a7b) (key {key})", new ObjectNeed(key, "run_001 (3f9c2a7b)", "models/m.pt").Describe());
        Assert.Equal($"object {key}", new ObjectNeed(key).Describe());
    }
}
