using System.Diagnostics;

namespace GitTrack.Benchmarks;

/// <summary>Timing helpers: medians of repeated runs, in-process or of an external command.</summary>
public static class Measure
{
    /// <summary>Runs <paramref name="action"/> <paramref name="repeats"/> times (after one warm-up unless told not to) and returns the median seconds.</summary>
    public static double Median(int repeats, Action action, bool warmUp = true, Action? beforeEach = null)
    {
        if (warmUp)
        {
            beforeEach?.Invoke();
            action();
        }
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            beforeEach?.Invoke();
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        return MedianOf(times);
    }

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Runs a shell command line through bash; returns elapsed seconds, or null when it failed.</summary>
    public static double? Shell(string commandLine, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("bash", ["-c", commandLine])
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = sw.Elapsed.TotalSeconds;
        _ = stdout.Result;
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"  ({commandLine} failed: {stderr.Result.Trim()})");
            return null;
        }
        return elapsed;
    }

    /// <summary>Median seconds of an external command line run <paramref name="repeats"/> times; null if unavailable.</summary>
    public static double? ShellMedian(int repeats, string commandLine, string? workingDirectory = null, string? beforeEach = null)
    {
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            if (beforeEach is not null && Shell(beforeEach, workingDirectory) is null)
                return null;
            if (Shell(commandLine, workingDirectory) is not { } t)
                return null;
            times.Add(t);
        }
        return MedianOf(times);
    }

    public static bool HasTool(string tool) => Shell($"command -v {tool}") is not null;

    public static string GBps(long bytes, double seconds) => $"{bytes / seconds / 1e9:F2} GB/s";
}
