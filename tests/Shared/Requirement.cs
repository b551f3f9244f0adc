namespace GitTrack.Tests.Shared;

/// <summary>
/// What a test needs from the machine (a tool on PATH, Linux, Chromium). Where it is missing the test is skipped with
/// the reason, except under CI (<c>CI=true</c>), where a skipped test would let a whole layer go untested while the
/// run passes: there it fails, saying what is missing (.ci/run installs all of it). Every skip goes through here;
/// <c>SkipDisciplineTests</c> checks that no test calls <c>Skip</c> itself.
/// </summary>
public static class Requirement
{
    /// <summary>True when the CI variable says this is a CI run (<c>true</c> or <c>1</c>, as CI services set it).</summary>
    public static bool UnderCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>Skips the test (fails it under CI) with <paramref name="reason"/> unless <paramref name="met"/>.</summary>
    public static void That(bool met, string reason) => That(met, reason, UnderCi);

    /// <summary><see cref="That(bool, string)"/> with the CI flag given (for the tests of this rule).</summary>
    internal static void That(bool met, string reason, bool underCi)
    {
        if (met)
            return;
        if (underCi)
            throw new Xunit.Sdk.XunitException($"a test that would be skipped fails under CI=true: {reason}");
        Skip.If(true, reason);
    }

    /// <summary>Requires <paramref name="tool"/> on PATH.</summary>
    public static void Tool(string tool, string? why = null) =>
        That(ProcessRunner.IsOnPath(tool), $"{tool} is not installed{(why is null ? "" : $" ({why})")}");
}
