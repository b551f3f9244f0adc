using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Runs;

/// <summary>The one rule for paths read from the runs branch, and the names git refuses for its own folder.</summary>
public sealed class WorkTreePathTests
{
    [Theory]
    [InlineData(".git")]
    [InlineData(".GIT")]
    [InlineData(".gIt")]
    [InlineData(".git.")]
    [InlineData(".git ")]
    [InlineData(".git . .")]
    [InlineData("git~1")]
    [InlineData("GIT~1")]
    [InlineData("Git~1..")]
    [InlineData(".g\u200Cit")]
    [InlineData("\u200D.git")]
    [InlineData(".git\uFEFF")]
    [InlineData(".\u202Eg\u206Ait")]
    [InlineData("\u200E.\u200FG\u202AI\u202BT\u202C\u202D")]
    public void Names_a_file_system_may_take_for_the_git_folder_are_refused(string name)
    {
        Assert.True(WorkTreePath.IsGitDirectoryName(name));
        Assert.NotNull(WorkTreePath.Problem(name));
        Assert.NotNull(WorkTreePath.Problem($"a/{name}/b"));
        Assert.Equal(name, WorkTreePath.GitDirectorySegment($"x/{name}/config"));
    }

    [Theory]
    [InlineData(".gitignore")]
    [InlineData(".gitmodules")]
    [InlineData(".github")]
    [InlineData("git")]
    [InlineData("git~2")]
    [InlineData("x.git")]
    [InlineData("repo.git")]
    [InlineData(".git2")]
    [InlineData("..git")]
    [InlineData(".g\u200Bit")] // a zero-width space is not ignored by HFS+
    public void Names_that_only_look_like_it_are_fine(string name)
    {
        Assert.False(WorkTreePath.IsGitDirectoryName(name));
        Assert.Null(WorkTreePath.Problem($"models/{name}/weights.bin"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a\\b")]
    [InlineData("C:x")]
    [InlineData("a\nb")]
    public void Paths_outside_the_tree_are_refused_as_before(string path) => Assert.NotNull(WorkTreePath.Problem(path));

    [Theory]
    [InlineData(".env", ".env")]
    [InlineData("app/.env", ".env")]
    [InlineData("app/.env.production", ".env.*")]
    [InlineData("certs/Server.PEM", "*.pem")]
    [InlineData("home/.aws/credentials", ".aws/credentials")]
    [InlineData(".ssh/id_rsa.pub", "id_rsa*")]
    [InlineData("k8s/prod.kubeconfig", "*.kubeconfig")]
    public void Secret_files_match_by_name_at_any_depth(string path, string pattern) => Assert.Equal(pattern, SecretFiles.Default.Match(path));

    [Theory]
    [InlineData("environment.yml")]
    [InlineData("src/env.py")]
    [InlineData("aws/credentials")]
    [InlineData("keys.txt")]
    [InlineData("credentials.py")]
    public void Other_files_do_not(string path) => Assert.Null(SecretFiles.Default.Match(path));

    [Fact]
    public void Git_config_values_add_remove_and_clear_patterns()
    {
        var files = SecretFiles.FromConfig(["!*.key", "secrets.yaml", "conf/*.ini"]);
        Assert.Null(files.Match("tls/server.key"));
        Assert.Equal("secrets.yaml", files.Match("a/secrets.yaml"));
        Assert.Equal("conf/*.ini", files.Match("app/conf/db.ini"));
        Assert.Null(files.Match("db.ini"));
        Assert.Equal(".env", files.Match(".env"));

        var none = SecretFiles.FromConfig(["none", "only.txt"]);
        Assert.Equal(["only.txt"], none.Patterns);
    }
}
