using System.Collections;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

public sealed class EnvironmentCaptureTests
{
    [Theory]
    [InlineData("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEBYaDH")]
    [InlineData("GITHUB_TOKEN", "abc")]
    [InlineData("WANDB_API_KEY", "0123456789abcdef")]
    [InlineData("PGPASSWORD", "hunter2")]
    [InlineData("MYSQL_PWD", "hunter2")]
    [InlineData("SMTP_PASS", "hunter2")]
    [InlineData("LDAP_PASSWD", "hunter2")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS", "/home/me/sa.json")]
    [InlineData("HTTP_AUTHORIZATION", "Basic dXNlcjpwYXNz")]
    [InlineData("BROWSER_COOKIE", "sid=1")]
    [InlineData("SESSION_ID", "1234")]
    [InlineData("api_key", "lowercase")]
    [InlineData("SSH_PRIVATE", "x")]
    [InlineData("SENTRY_DSN", "https://abc@o1.ingest.sentry.io/2")]
    [InlineData("KEYBOARD_LAYOUT", "us")]
    [InlineData("MONKEY", "banana")]
    [InlineData("SSH_AUTH_SOCK", "/tmp/ssh-x/agent.1")]
    [InlineData("OAUTH_CLIENT", "x")]
    [InlineData("PROXY_AUTHORISATION", "Basic x")]
    [InlineData("GIT_AUTHOR_TOKEN", "x")]
    public void Values_of_variables_named_like_secrets_are_masked(string name, string value)
    {
        Assert.Equal("***", EnvironmentCapture.MaskValue(name, value));
    }

    [Theory]
    [InlineData("GIT_AUTHOR_NAME", "Ada Lovelace")]
    [InlineData("GIT_AUTHOR_EMAIL", "ada@example.com")]
    [InlineData("DEBEMAIL_AUTHOR", "ada")]
    public void Author_variables_are_not_masked_as_auth(string name, string value)
    {
        Assert.Equal(value, EnvironmentCapture.MaskValue(name, value));
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("ASIAY34FZKBOKMUTVV7A")]
    [InlineData("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")]
    [InlineData("gho_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ")]
    [InlineData("glpat-xxxxxxxxxxxxxxxxxxxx")]
    [InlineData("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("hf_abcdefghijklmnopqrstuvwxyzABCDEFGH")]
    [InlineData("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe")]
    [InlineData("npm_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEow")]
    [InlineData("Bearer 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")]
    [InlineData("https://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@github.com/x/y.git")]
    public void Values_shaped_like_keys_are_masked_whatever_the_name(string value)
    {
        Assert.Equal("***", EnvironmentCapture.MaskValue("SOME_SETTING", value));
    }

    [Theory]
    [InlineData("DATABASE_URL", "postgres://user:pass@host:5432/db", "postgres://user:***@host:5432/db")]
    [InlineData("MLFLOW_TRACKING_URI", "https://admin:s3cr3t@mlflow.example.com", "https://admin:***@mlflow.example.com")]
    [InlineData("PIP_EXTRA_INDEX_URL", "https://me:p@ss@pypi.example.com/simple https://pypi.org/simple",
        "https://me:***@pypi.example.com/simple https://pypi.org/simple")]
    [InlineData("REDIS_URL", "redis://:onlypass@localhost:6379/0", "redis://:***@localhost:6379/0")]
    [InlineData("HTTP_PROXY", "http://proxy.local:3128", "http://proxy.local:3128")]
    [InlineData("CELERY_BROKER", "amqp://guest@localhost//", "amqp://guest@localhost//")]
    public void Passwords_inside_urls_are_masked_and_the_rest_kept(string name, string value, string expected)
    {
        Assert.Equal(expected, EnvironmentCapture.MaskValue(name, value));
    }

    [Theory]
    [InlineData("PATH", "/usr/local/bin:/usr/bin:/bin")]
    [InlineData("HOME", "/home/me")]
    [InlineData("PWD", "/home/me/project")]
    [InlineData("CUDA_VISIBLE_DEVICES", "0,1")]
    [InlineData("PYTHONHASHSEED", "0")]
    [InlineData("OMP_NUM_THREADS", "8")]
    [InlineData("LANG", "en_US.UTF-8")]
    [InlineData("VIRTUAL_ENV", "/home/me/project/.venv")]
    [InlineData("CONDA_DEFAULT_ENV", "base")]
    [InlineData("HF_HOME", "/data/hf")]
    [InlineData("GIT_COMMIT", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("SLURM_JOB_ID", "123456")]
    [InlineData("TASK", "sk-learn")]
    [InlineData("NOTE", "ask-me-anything-about-the-dataset-now")]
    public void Ordinary_variables_are_kept(string name, string value)
    {
        Assert.Equal(value, EnvironmentCapture.MaskValue(name, value));
    }

    [Fact]
    public void Capture_leaves_out_shell_noise_and_sorts_by_name()
    {
        var variables = new Hashtable
        {
            ["PATH"] = "/bin", ["LS_COLORS"] = "rs=0:di=01;34", ["_"] = "/usr/bin/gittrack", ["BASH_FUNC_module%%"] = "() { x; }",
            ["GITHUB_TOKEN"] = "ghp_x", ["A"] = "1", ["PS1"] = "$ ",
        };
        var captured = EnvironmentCapture.Capture(variables);
        Assert.Equal(["A", "GITHUB_TOKEN", "PATH"], captured.Keys);
        Assert.Equal("***", captured["GITHUB_TOKEN"]);
    }

    [Fact]
    public void Very_long_values_are_not_recorded()
    {
        Assert.Equal("<10000 characters, not recorded>", EnvironmentCapture.MaskValue("BIG", new string('a', 10000)));
    }

    [Fact]
    public void Capture_of_this_process_holds_no_secret_we_plant()
    {
        Environment.SetEnvironmentVariable("GITTRACK_TEST_SECRET_TOKEN", "plain-value-123");
        Environment.SetEnvironmentVariable("GITTRACK_TEST_URL", "https://u:pw12345@example.com/x");
        try
        {
            var captured = EnvironmentCapture.Capture();
            Assert.Equal("***", captured["GITTRACK_TEST_SECRET_TOKEN"]);
            Assert.Equal("https://u:***@example.com/x", captured["GITTRACK_TEST_URL"]);
            Assert.DoesNotContain(captured.Values, v => v.Contains("pw12345") || v.Contains("plain-value-123"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITTRACK_TEST_SECRET_TOKEN", null);
            Environment.SetEnvironmentVariable("GITTRACK_TEST_URL", null);
        }
    }
}
