using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

public sealed class UrlCredentialsTests
{
    [Theory]
    [InlineData("https://user:token@github.com/x/y.git", "https://github.com/x/y.git")]
    [InlineData("https://ghp_abc@github.com/x/y.git", "https://github.com/x/y.git")]
    [InlineData("https://x-access-token:ghs_abc@github.com/x/y", "https://github.com/x/y")]
    [InlineData("https://gitlab-ci-token:p@ss@gitlab.com/g/p.git", "https://gitlab.com/g/p.git")]
    [InlineData("http://user:pw@host:8080/repo?x=1", "http://host:8080/repo")]
    [InlineData("https://user:pw@host", "https://host")]
    [InlineData("ssh://git:secret@host/x/y.git", "ssh://host/x/y.git")]
    [InlineData("git+ssh://me:pw@host/x", "git+ssh://host/x")]
    [InlineData("https://github.com/x/y.git", "https://github.com/x/y.git")]
    [InlineData("https://host/path/@scope/pkg", "https://host/path/@scope/pkg")]
    [InlineData("git@github.com:x/y.git", "git@github.com:x/y.git")]
    [InlineData("ssh://git@github.com/x/y.git", "ssh://git@github.com/x/y.git")]
    [InlineData("/srv/git/project.git", "/srv/git/project.git")]
    [InlineData("file:///srv/git/project.git", "file:///srv/git/project.git")]
    [InlineData("../other", "../other")]
    [InlineData("ssh://git:pw@host:22/x.git", "ssh://host:22/x.git")]
    [InlineData("https://host/x?private_token=abc#frag", "https://host/x")]
    [InlineData("https://host/x?ref=main&access_token=abc", "https://host/x")]
    [InlineData("https://acct.blob.core.windows.net/repo.git?sv=2022-11-02&sig=abc%2Bdef", "https://acct.blob.core.windows.net/repo.git")]
    [InlineData("https://host/x.git#token=abc", "https://host/x.git")]
    public void Strip_removes_user_information_from_remote_urls(string url, string expected)
    {
        Assert.Equal(expected, UrlCredentials.Strip(url));
    }

    [Theory]
    [InlineData("postgres://user:pass@host/db", "postgres://user:***@host/db")]
    [InlineData("mongodb+srv://admin:pw@cluster0.mongodb.net/?retryWrites=true", "mongodb+srv://admin:***@cluster0.mongodb.net/?retryWrites=true")]
    [InlineData("no url here", "no url here")]
    [InlineData("https://host/a:b@c", "https://host/a:b@c")]
    public void MaskPasswords_keeps_everything_but_the_password(string text, string expected)
    {
        Assert.Equal(expected, UrlCredentials.MaskPasswords(text));
    }
}
