using System.Globalization;
using GitTrack.Core.Runs.Packages;

namespace GitTrack.Benchmarks;

/// <summary>
/// What capturing a run's packages costs (docs/format.md "Environments"): <see cref="PackageCapture"/> on a virtualenv
/// with 500 distributions (METADATA files of a realistic size) against <c>pip freeze</c> listing the same folder, in
/// the same run.
/// </summary>
public sealed class PackagesBenchmark : IBenchmark
{
    public string Name => "packages";
    public string Description => "package capture of a 500-distribution virtualenv vs pip freeze of it";

    public int Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int count = int.Parse(Arg("--packages") ?? "500", CultureInfo.InvariantCulture);
        int repeats = int.Parse(Arg("--repeats") ?? "21", CultureInfo.InvariantCulture);
        var root = Path.Combine(Path.GetTempPath(), $"gittrack-bench-packages-{Guid.NewGuid():N}");
        try
        {
            var venv = Path.Combine(root, "venv");
            if (Measure.Shell($"python3 -m venv --without-pip {venv}") is null)
            {
                Console.Error.WriteLine("python3 -m venv failed (install python3-venv)");
                return 2;
            }
            var site = Directory.GetDirectories(Path.Combine(venv, "lib"), "python3*").Single() + "/site-packages";
            Directory.CreateDirectory(site);
            var description = string.Concat(Enumerable.Repeat("A line of the long description that pip copies from the README.\n", 60));
            for (var i = 0; i < count; i++)
            {
                var info = Path.Combine(site, $"package_{i:D4}-1.{i % 17}.{i % 5}.dist-info");
                Directory.CreateDirectory(info);
                var headers = string.Concat(Enumerable.Range(0, 12).Select(r => $"Requires-Dist: dependency-{r} >=1.0\n"));
                File.WriteAllText(Path.Combine(info, "METADATA"),
                    $"Metadata-Version: 2.1\nName: package-{i:D4}\nVersion: 1.{i % 17}.{i % 5}\nSummary: package {i}\nHome-page: https://example.com/{i}\nLicense: MIT\n{headers}\n{description}");
                File.WriteAllText(Path.Combine(info, "RECORD"), $"package_{i:D4}/__init__.py,sha256=abc,10\n");
                File.WriteAllText(Path.Combine(info, "INSTALLER"), "pip\n");
            }
            var python = Path.Combine(venv, "bin", "python");
            var environment = new System.Collections.Hashtable { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "" };
            var found = 0;
            var capture = Measure.Median(repeats, () => found = PackageCapture.Capture([python, "train.py"], root, root, environment).Set.Count);
            var freeze = Measure.ShellMedian(Math.Min(repeats, 7), $"python3 -m pip freeze --path {site} > /dev/null");

            Console.WriteLine($"Packages capture, a virtualenv of {count} distributions ({found} found), warm file cache, median of {repeats}:");
            Console.WriteLine();
            Console.WriteLine("| what | median |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| gittrack package capture (in process, files only) | {capture * 1000:F1} ms |");
            Console.WriteLine($"| `python3 -m pip freeze --path <site-packages>` | {(freeze is { } f ? $"{f * 1000:F0} ms" : "pip not available")} |");
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
