using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for a test: <c>tests/s3-server/server.js</c> (the npm package s3rver, installed by
/// .ci/run with <c>npm ci</c>) on 127.0.0.1 at a port the system picks, one bucket, a random access key and secret,
/// objects on disk in a temporary folder. Stopped by its PID on Dispose. <see cref="Environment"/> is what gittrack
/// needs to reach it through the standard AWS chain; it also points the AWS config files at nothing, so a developer's
/// own ~/.aws never counts, and turns off the EC2 metadata lookup, so nothing leaves the loopback interface.
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string Bucket = "gittrack-test";
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    public S3Server()
    {
        Folder = Path.Combine(Path.GetTempPath(), "gittrack-tests", "s3-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(Folder);
        AccessKey = "AK" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        SecretKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = ServerDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(ServerDir, "server.js"));
        info.ArgumentList.Add(Path.Combine(Folder, "data"));
        info.ArgumentList.Add(Bucket);
        info.Environment["S3_ACCESS_KEY"] = AccessKey;
        info.Environment["S3_SECRET_KEY"] = SecretKey;
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
        var line = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            Dispose();
            throw new InvalidOperationException($"the S3 server did not start: {line} {_stderr}");
        }
        Port = int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        _process.StandardOutput.Close();
    }

    public string Folder { get; }
    public int Port { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The environment gittrack (or the AWS CLI) needs to reach this server.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = Endpoint,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(Folder, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Folder, "no-aws-credentials"),
    };

    /// <summary>Where s3rver keeps the object of <paramref name="s3Key"/> on disk (its own layout).</summary>
    public string FileOf(string s3Key) => Path.Combine(Folder, "data", Bucket, s3Key + "._S3rver_object");

    /// <summary>The S3 keys of every stored object (what a listing would show), from s3rver's folder.</summary>
    public IReadOnlyList<string> Keys()
    {
        var root = Path.Combine(Folder, "data", Bucket);
        if (!Directory.Exists(root))
            return [];
        return [.. Directory.EnumerateFiles(root, "*._S3rver_object", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)[..^"._S3rver_object".Length].Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    internal static string ServerDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                    return Path.Combine(dir.FullName, "tests", "s3-server");
            throw new InvalidOperationException("GitTrack.sln not found above the test binaries");
        }
    }

    /// <summary>Skips the test, saying why, when Node or the server's packages are missing (.ci/run installs both).</summary>
    public static void SkipUnlessAvailable()
    {
        Requirement.That(ProcessRunner.IsOnPath("node"), "Node.js is not installed");
        Requirement.That(Directory.Exists(Path.Combine(ServerDir, "node_modules", "s3rver")),
            "s3rver is not installed (npm ci in tests/s3-server; .ci/run does)");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
