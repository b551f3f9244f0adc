using System.Text;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Tests.Capture;

/// <summary>The one masking rule set (docs/protocol.md, "Secrets"), case by case.</summary>
public sealed class SecretMaskingTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("db_password")]
    [InlineData("DB_PASSWORD")]
    [InlineData("dbPassword")]
    [InlineData("PGPASSWORD")]
    [InlineData("passwd")]
    [InlineData("db.pwd")]
    [InlineData("smtp_pass")]
    [InlineData("client_secret")]
    [InlineData("clientSecret")]
    [InlineData("api_key")]
    [InlineData("api-key")]
    [InlineData("apiKey")]
    [InlineData("APIKEY")]
    [InlineData("AccountKey")]
    [InlineData("SharedAccessKey")]
    [InlineData("SharedAccessSignature")]
    [InlineData("openai_key")]
    [InlineData("aws_secret_access_key")]
    [InlineData("api_token")]
    [InlineData("hf_token")]
    [InlineData("access_token")]
    [InlineData("refreshToken")]
    [InlineData("token")]
    [InlineData("key")]
    [InlineData("private_key")]
    [InlineData("credentials")]
    [InlineData("auth")]
    [InlineData("Authorization")]
    [InlineData("session_cookie")]
    [InlineData("sentry_dsn")]
    [InlineData("model.db.password")]
    public void Names_of_secrets_are_secret(string name) => Assert.True(SecretMasking.IsSecretName(name), name);

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_new_tokens")]
    [InlineData("pad_token")]
    [InlineData("eos_token")]
    [InlineData("tokenizer")]
    [InlineData("tokenizer_name")]
    [InlineData("sort_key")]
    [InlineData("primary_key")]
    [InlineData("key_dim")]
    [InlineData("num_key_value_heads")]
    [InlineData("keyframes")]
    [InlineData("monkey")]
    [InlineData("lr")]
    [InlineData("batch_size")]
    [InlineData("author")]
    [InlineData("passes")]
    [InlineData("User ID")]
    [InlineData("Server")]
    public void Ordinary_names_are_not(string name) => Assert.False(SecretMasking.IsSecretName(name), name);

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc+def/ghi==;EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("Server=x;Database=app;User Id=sa;Password=Sup3r;secret!;", "Server=x;Database=app;User Id=sa;Password=***;secret!;")]
    [InlineData("Server=x;Pwd='a b c';", "Server=x;Pwd='***';")]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/services/***")]
    [InlineData("https://discord.com/api/webhooks/123/abcDEF", "https://discord.com/api/webhooks/***")]
    [InlineData("--verbose --password=hunter22 -x", "--verbose --password=*** -x")]
    [InlineData("--password hunter22 --epochs 3", "--password *** --epochs 3")]
    [InlineData("-api-key=abc123", "-api-key=***")]
    [InlineData("https://acct.blob.core.windows.net/c/f?sv=2022&se=2026&sig=abc%2Bdef", "https://acct.blob.core.windows.net/c/f?sv=2022&se=2026&sig=***")]
    [InlineData("https://host/x?access_token=abc&page=2", "https://host/x?access_token=***&page=2")]
    [InlineData("postgres://user:pw123@host/db", "postgres://user:***@host/db")]
    [InlineData("the db password: hunter22, then", "the db password: ***, then")]
    [InlineData("note: password=abc", "note: password=***")]
    [InlineData("{\"api_key\": \"abc123\", \"lr\": 0.1}", "{\"api_key\": \"***\", \"lr\": 0.1}")]
    [InlineData("Bearer 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", "Bearer ***")]
    [InlineData("Authorization: Bearer abc.def", "Authorization: ***")]
    [InlineData("curl -H 'Authorization: Basic dXNlcjpwYXNz' url", "curl -H 'Authorization: ***' url")]
    [InlineData("lr=0.1 epochs=3 max_tokens=512 pad_token=<pad>", "lr=0.1 epochs=3 max_tokens=512 pad_token=<pad>")]
    [InlineData("no secret here: just words", "no secret here: just words")]
    [InlineData("https://example.com/page?id=3#top", "https://example.com/page?id=3#top")]
    public void Text_masks_the_secret_and_keeps_the_rest(string text, string expected)
    {
        var masking = new SecretMasking();
        Assert.Equal(expected, masking.Text(text));
        Assert.Equal(expected, masking.Text(expected)); // idempotent
    }

    [Fact]
    public void A_private_key_block_is_masked_whole()
    {
        var text = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\ntrailer";
        Assert.Equal("key:\n***\ntrailer", new SecretMasking().Text(text));
    }

    [Theory]
    [InlineData(new[] { "python", "train.py", "--api-key=K123", "--lr", "0.1" }, new[] { "python", "train.py", "--api-key=***", "--lr", "0.1" })]
    [InlineData(new[] { "python", "train.py", "--password", "P123", "--epochs", "3" }, new[] { "python", "train.py", "--password", "***", "--epochs", "3" })]
    [InlineData(new[] { "mysql", "--user=root", "--password-file", "f", "-p", "P123" }, new[] { "mysql", "--user=root", "--password-file", "***", "-p", "***" })]
    [InlineData(new[] { "tool", "--api-token", "T", "-pP123" }, new[] { "tool", "--api-token", "***", "-p***" })]
    [InlineData(new[] { "serve", "-p", "8080" }, new[] { "serve", "-p", "8080" })]
    [InlineData(new[] { "python", "train.py", "db.password=P123", "lr=0.1" }, new[] { "python", "train.py", "db.password=***", "lr=0.1" })]
    [InlineData(new[] { "python", "train.py", "--db", "postgres://u:P123@h/d" }, new[] { "python", "train.py", "--db", "postgres://u:***@h/d" })]
    [InlineData(new[] { "python", "train.py", "--password", "--verbose" }, new[] { "python", "train.py", "--password", "--verbose" })]
    [InlineData(new[] { "python", "train.py", "--max-tokens", "512", "--pad-token", "<pad>" }, new[] { "python", "train.py", "--max-tokens", "512", "--pad-token", "<pad>" })]
    public void Command_masks_secret_options_and_their_values(string[] argv, string[] expected)
    {
        var masking = new SecretMasking();
        Assert.Equal(expected, masking.Command(argv));
        Assert.Equal(expected, masking.Command(expected));
    }

    [Fact]
    public void Record_masks_params_tags_note_error_and_command_and_remembers_what_it_masked()
    {
        var masking = new SecretMasking();
        var run = new RunRecord
        {
            Id = RunId.New(DateTimeOffset.UnixEpoch.AddYears(56)).Value,
            Name = "r",
            Status = RunStatus.Failed,
            StartedAt = DateTimeOffset.UnixEpoch.AddYears(56),
            Command = ["python", "train.py", "--api-key", "ArgSecret1"],
            Note = "used --password NoteSecret2",
            Error = "could not connect to postgres://u:ErrSecret3@db/app",
            Source = new SourceInfo { Commit = new string('a', 40), Tree = new string('b', 40) },
            Params = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["db_password"] = "ParamSecret4", ["api_key"] = 123456789L, ["lr"] = 0.1, ["max_tokens"] = 512L,
            },
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["deploy_token"] = "TagSecret5", ["team"] = "vision" },
        };

        var masked = masking.Record(run);

        Assert.Equal(["python", "train.py", "--api-key", "***"], masked.Command);
        Assert.Equal("used --password ***", masked.Note);
        Assert.Equal("could not connect to postgres://u:***@db/app", masked.Error);
        Assert.Equal("***", masked.Params["db_password"]);
        Assert.Equal("***", masked.Params["api_key"]);
        Assert.Equal(0.1, masked.Params["lr"]);
        Assert.Equal(512L, masked.Params["max_tokens"]);
        Assert.Equal("***", masked.Tags["deploy_token"]);
        Assert.Equal("vision", masked.Tags["team"]);
        Assert.Equal(["123456789", "ArgSecret1", "ErrSecret3", "NoteSecret2", "ParamSecret4", "TagSecret5"], masking.Found.Order(StringComparer.Ordinal));
        Assert.Equal(ManifestToml.Write(masked), ManifestToml.Write(masking.Record(masked)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1 << 20)]
    public void The_log_loses_every_occurrence_of_the_known_secrets_even_across_read_blocks(int chunk)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 40_000; i++)
            text.Append(CultureInfo(i)).Append(i % 997 == 0 ? " token=SecretValue1 and SecretValue12 " : " ").Append('\n');
        text.Append("end SecretValue1");
        var input = Encoding.UTF8.GetBytes(text.ToString());
        var output = new MemoryStream();

        var count = LogMasking.Copy(new ChunkedStream(input, chunk), output, [Encoding.UTF8.GetBytes("SecretValue12"), Encoding.UTF8.GetBytes("SecretValue1")]);

        var expected = text.ToString().Replace("SecretValue12", "***", StringComparison.Ordinal).Replace("SecretValue1", "***", StringComparison.Ordinal);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(41 * 2 + 1, count);
    }

    [Fact]
    public void Log_masking_leaves_short_values_and_a_log_without_secrets_alone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gittrack-log-{Guid.NewGuid():N}.log");
        File.WriteAllText(path, "step 1 loss 0.5\nuser us\n");
        try
        {
            Assert.Equal(0, LogMasking.Apply(path, ["1", "us", "absent-secret"]));
            Assert.Equal("step 1 loss 0.5\nuser us\n", File.ReadAllText(path));
            Assert.False(File.Exists(path + ".masked"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string CultureInfo(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read, so matches straddle reads.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
