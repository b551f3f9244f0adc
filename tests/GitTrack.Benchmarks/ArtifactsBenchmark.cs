using System.Diagnostics;
using System.Globalization;
using GitTrack.Core.Hashing;
using GitTrack.Core.Runs;

namespace GitTrack.Benchmarks;

/// <summary>
/// The artifacts remote and gc. <c>push</c>: <c>gittrack cache push</c> of one run's 1 GB of artifacts (a 512 MiB
/// model and 1,000 files of 512 KiB, incompressible) to a local S3 server (s3rver, tests/s3-server), beside
/// <c>rclone copy</c> and <c>aws s3 cp --recursive</c> of the same files to the same server, then a second push.
/// <c>gc</c>: <c>gittrack gc</c> over 100,000 objects and 10,000 runs, beside a bare walk of the same folders (find).
/// </summary>
public sealed class ArtifactsBenchmark : IBenchmark
{
    public string Name => "artifacts";
    public string Description => "cache push to a local S3 server vs rclone and aws s3 cp; gc over 100,000 objects (options: push|gc --repeats N --gittrack EXE --dir D --keep)";

    public int Run(string[] args)
    {
        var what = args.Length > 0 ? args[0] : "push";
        var repeats = int.Parse(Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture);
        var gittrack = Option(args, "--gittrack") ?? RunStoreBenchmark.FindGitTrackDll()
            ?? throw new InvalidOperationException("build src/GitTrack.Cli or pass --gittrack");
        var root = Path.Combine(Option(args, "--dir") ?? Path.GetTempPath(), $"gittrack-artifacts-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            return what == "gc" ? Gc(root, gittrack, repeats) : Push(root, gittrack, repeats);
        }
        finally
        {
            if (args.Contains("--keep"))
                Console.WriteLine($"kept {root}");
            else
                Clean(root);
        }
    }

    private static void Clean(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(root, recursive: true);
    }

    private static int Push(string root, string gittrack, int repeats)
    {
        var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, "repo"));
        var random = new Random(42);
        var files = new List<string> { "model.bin" };
        WriteRandom(Path.Combine(repo, "model.bin"), 512 << 20, random);
        Directory.CreateDirectory(Path.Combine(repo, "small"));
        for (var i = 0; i < 1000; i++)
            WriteRandom(Path.Combine(repo, "small", $"f{i:D4}.bin"), 512 << 10, random);
        var start = RunStoreBenchmark.Start(gittrack);
        Check(Measure.Shell($"{start} run -n big -a model.bin -a small -- true", repo), "gittrack run");

        using var server = S3Process.Start(Path.Combine(root, "s3"));
        var env = $"AWS_ACCESS_KEY_ID={S3Process.Key} AWS_SECRET_ACCESS_KEY={S3Process.Secret} AWS_REGION=us-east-1 AWS_ENDPOINT_URL={server.Endpoint} AWS_EC2_METADATA_DISABLED=true ";
        // rclone 1.60 refuses any AWS_CA_BUNDLE with its own HTTP transport ("LoadCustomCABundleError"), even for http.
        var rclone = $"env -u AWS_CA_BUNDLE RCLONE_CONFIG_LOCAL_TYPE=s3 RCLONE_CONFIG_LOCAL_PROVIDER=Other RCLONE_CONFIG_LOCAL_ENV_AUTH=false RCLONE_CONFIG_LOCAL_ACCESS_KEY_ID={S3Process.Key} " +
            $"RCLONE_CONFIG_LOCAL_SECRET_ACCESS_KEY={S3Process.Secret} RCLONE_CONFIG_LOCAL_ENDPOINT={server.Endpoint} RCLONE_CONFIG_LOCAL_FORCE_PATH_STYLE=true RCLONE_CONFIG_LOCAL_REGION=us-east-1 ";
        List<double> ours = [], second = [], rcloneTimes = [], awsTimes = [];
        for (var i = 0; i < repeats; i++)
        {
            server.Clear();
            RunStoreBenchmark.Git(repo, "config", "gittrack.artifacts", $"s3://{S3Process.Bucket}/gt{i}");
            ours.Add(Check(Measure.Shell($"{env}{start} cache push", repo), "gittrack cache push"));
            second.Add(Check(Measure.Shell($"{env}{start} cache push", repo), "second gittrack cache push"));
            server.Clear();
            if (Tool("rclone"))
                rcloneTimes.Add(Check(Measure.Shell($"{rclone}rclone copy --transfers 8 --exclude '.git/**' --exclude train.py . local:{S3Process.Bucket}/rc{i}/", repo), "rclone"));
            server.Clear();
            if (Tool("aws"))
                awsTimes.Add(Check(Measure.Shell($"{env}aws --endpoint-url {server.Endpoint} s3 cp --recursive --only-show-errors --exclude '.git/*' --exclude 'train.py' . s3://{S3Process.Bucket}/aws{i}/", repo), "aws s3 cp"));
        }
        Console.WriteLine($"1 GB of artifacts (512 MiB model + 1,000 x 512 KiB) to s3rver on 127.0.0.1, median of {repeats}:");
        Console.WriteLine();
        Console.WriteLine("| command | median |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| gittrack cache push | {Measure.MedianOf(ours):F1} s |");
        Console.WriteLine($"| gittrack cache push, again (nothing to send) | {Measure.MedianOf(second) * 1000:F0} ms |");
        Console.WriteLine($"| rclone copy --transfers 8 | {(rcloneTimes.Count > 0 ? $"{Measure.MedianOf(rcloneTimes):F1} s" : "not installed")} |");
        Console.WriteLine($"| aws s3 cp --recursive | {(awsTimes.Count > 0 ? $"{Measure.MedianOf(awsTimes):F1} s" : "not installed")} |");
        return 0;
    }

    private static int Gc(string root, string gittrack, int repeats)
    {
        const int runs = 10_000, perRun = 8, loose = 20_000;
        var repo = RunStoreBenchmark.NewRepo(Path.Combine(root, "repo"));
        var objects = Path.Combine(repo, ".git", "gittrack", "objects");
        var old = DateTime.UtcNow.AddDays(-3);
        var random = new Random(7);
        // The generator calls this from several threads: each run draws from its own Random (System.Random shared
        // across threads repeats values, and a repeated key made one object fewer than the runs reference).
        RunStoreBenchmark.Generate(repo, runs, (i, run) =>
        {
            var own = new Random(1000 + i); // the unreferenced objects below draw from seed 7
            return run with
            {
                Artifacts = [.. Enumerable.Range(0, perRun).Select(a => new ArtifactEntry($"out/{a}.bin", WriteObject(objects, own, old), 100))],
            };
        });
        for (var i = 0; i < loose; i++)
            WriteObject(objects, random, old);
        // The repository packed, as git gc --auto keeps it (otherwise the first gittrack call starts a background
        // git gc of the 40,000 loose objects just written, which ran during the timings and tripled them), and
        // everything written back to disk before anything is timed.
        Measure.Shell("git gc -q && sync", repo);
        var start = RunStoreBenchmark.Start(gittrack);
        Console.WriteLine($"gittrack gc over {runs * perRun + loose:N0} objects ({loose:N0} unreferenced) and {runs:N0} runs, median of {repeats}:");
        var dry = Measure.MedianOf(Enumerable.Range(0, repeats).Select(_ => Check(Measure.Shell($"{start} gc --dry-run --grace 1d > /dev/null", repo), "gc --dry-run")));
        var walk = Measure.MedianOf(Enumerable.Range(0, repeats).Select(_ => Check(Measure.Shell($"find .git/gittrack/objects -type f -mtime +1 | wc -l > /dev/null", repo), "find")));
        var real = Check(Measure.Shell($"{start} gc --grace 1d", repo), "gc");
        var after = Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).Count();
        Console.WriteLine();
        Console.WriteLine("| command | median |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| gittrack gc --dry-run (reads 10,000 manifests, stats 100,000 objects) | {dry:F2} s |");
        Console.WriteLine($"| gittrack gc (deletes {loose:N0}) | {real:F2} s (once; {after:N0} objects left) |");
        Console.WriteLine($"| find -type f -mtime +1 (the walk alone, peer floor) | {walk:F2} s |");
        return after == runs * perRun ? 0 : 1;
    }

    private static Blake3Hash WriteObject(string objects, Random random, DateTime time)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        var key = Blake3Hash.Parse(Convert.ToHexStringLower(bytes));
        var hex = key.ToString();
        var path = Path.Combine(objects, hex[..2], hex[2..]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x28, 0xb5, 0x2f, 0xfd]); // gc reads names and times only
        File.SetLastWriteTimeUtc(path, time);
        return key;
    }

    private static void WriteRandom(string path, int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private static bool Tool(string name) => Measure.Shell($"command -v {name} > /dev/null") is not null;

    private static double Check(double? seconds, string what) => seconds ?? throw new InvalidOperationException($"{what} failed");

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>s3rver (tests/s3-server) on 127.0.0.1 at a port it picks, stopped by its PID.</summary>
    private sealed class S3Process : IDisposable
    {
        public const string Bucket = "bench";
        public const string Key = "BENCHKEY";
        public const string Secret = "benchsecret0123456789";
        private readonly Process _process;
        private readonly string _folder;

        private S3Process(Process process, string folder, int port)
        {
            _process = process;
            _folder = folder;
            Endpoint = $"http://127.0.0.1:{port}";
        }

        public string Endpoint { get; }

        public static S3Process Start(string folder)
        {
            string? server = null;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && server is null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "tests", "s3-server", "server.js")))
                    server = Path.Combine(dir.FullName, "tests", "s3-server", "server.js");
            var info = new ProcessStartInfo("node", [server ?? throw new InvalidOperationException("tests/s3-server not found"), folder, Bucket])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            info.Environment["S3_ACCESS_KEY"] = Key;
            info.Environment["S3_SECRET_KEY"] = Secret;
            var process = Process.Start(info)!;
            var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("s3rver did not start (npm ci in tests/s3-server)");
            return new S3Process(process, folder, int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
        }

        /// <summary>Empties the bucket (on disk) between measurements, so each run uploads everything.</summary>
        public void Clear()
        {
            var bucket = Path.Combine(_folder, Bucket);
            foreach (var entry in Directory.Exists(bucket) ? Directory.EnumerateFileSystemEntries(bucket) : [])
            {
                if (Directory.Exists(entry))
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
