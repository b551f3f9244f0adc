using System.Text.RegularExpressions;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Suite;

/// <summary>
/// CI must not pass with a layer silently skipped: a test skips only through <see cref="Requirement"/>, which fails
/// it under CI=true and says what is missing; no test skips itself any other way.
/// </summary>
public sealed partial class SkipDisciplineTests
{
    [Fact]
    public void A_missing_requirement_skips_with_its_reason_outside_CI_and_fails_under_CI()
    {
        var skipped = Assert.ThrowsAny<Exception>(() => Requirement.That(false, "b3sum is not installed", underCi: false));
        Assert.Equal("SkipException", skipped.GetType().Name);
        Assert.Equal("b3sum is not installed", skipped.Message);

        var failed = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Requirement.That(false, "b3sum is not installed", underCi: true));
        Assert.NotEqual("SkipException", failed.GetType().Name);
        Assert.Contains("CI=true", failed.Message, StringComparison.Ordinal);
        Assert.Contains("b3sum is not installed", failed.Message, StringComparison.Ordinal);

        Requirement.That(true, "never said", underCi: true);
    }

    [Fact]
    public void No_test_skips_itself_other_than_through_Requirement()
    {
        var tests = Path.Combine(RepositoryRoot(), "tests");
        var offenders = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(f) is not ("Requirement.cs" or "SkipDisciplineTests.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => SkipCall().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(tests, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "skip through Requirement.That instead:\n" + string.Join('\n', offenders));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitTrack.sln")))
                return dir.FullName;
        throw new InvalidOperationException("GitTrack.sln not found above the test binaries");
    }

    // Skip.If / Skip.IfNot (Xunit.SkippableFact), [Fact(Skip = ...)], [Theory(Skip = ...)], throw new SkipException.
    [GeneratedRegex(@"\bSkip\.If(Not)?\s*\(|\b(Fact|Theory|SkippableFact|SkippableTheory)\s*\(\s*Skip\s*=|new\s+SkipException\s*\(")]
    private static partial Regex SkipCall();
}
