using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// A tiny training script (sh + awk, no Python needed) committed into a test repository and recorded with the
/// real <c>gittrack run</c>: it logs a loss curve of N points, a spike of 100 at one step, and prints a line.
/// </summary>
public static class TrainingScript
{
    public static void AddTo(TempGitRepo repo)
    {
        repo.WriteFile("train.sh", """
            #!/bin/sh
            # train.sh LR POINTS [SPIKE_STEP]
            awk -v lr="$1" -v n="$2" -v spike="${3:--1}" 'BEGIN {
              for (i = 0; i < n; i++) {
                v = exp(-lr * i / 10); if (i == spike) v = 100
                printf "{\"type\":\"metric\",\"name\":\"loss\",\"value\":%.9g,\"step\":%d}\n", v, i
              }
            }' >> "$GITTRACK_EVENTS"
            echo "trained with lr=$1"
            """.Replace("\r", "", StringComparison.Ordinal));
        repo.Commit("add train.sh");
    }

    /// <summary>Records one run; fails the test when gittrack does not exit 0.</summary>
    public static void Run(TempGitRepo repo, string name, double lr, int points = 50, int spike = -1, params string[] extra)
    {
        var lrText = lr.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = GitTrackProcess.Run(repo, ["run", "-n", name, "-p", $"lr={lrText}", .. extra, "--", "sh", "train.sh", lrText,
            points.ToString(System.Globalization.CultureInfo.InvariantCulture), spike.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(result.ExitCode == 0, $"gittrack run failed ({result.ExitCode}): {result.Stderr}");
    }
}
