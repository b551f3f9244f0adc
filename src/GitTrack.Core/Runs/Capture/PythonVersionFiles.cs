using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// The version an interpreter would print for <c>--version</c>, read from the files installed with it instead of
/// starting it (a process costs a run's start-up 10 to 300 ms; docs/benchmarks.md, "Runs"). The interpreter's path
/// is followed through its links to the real binary (<c>PREFIX/bin/python3.11</c>: a virtualenv's and conda's
/// <c>python3</c> are links to it), and <c>PY_VERSION</c> is read from <c>PREFIX/include/python3.11*/patchlevel.h</c>,
/// which is what <c>python3 --version</c> prints (Debian's and Ubuntu's headers come in the same source package
/// as the interpreter, pyenv's and conda's builds always install them). Anything else (no headers, a name without
/// the minor version, headers of another version, several of them) gives null, and the caller asks the interpreter.
/// </summary>
internal static partial class PythonVersionFiles
{
    /// <summary>The version of the interpreter at <paramref name="interpreter"/>, or null when its files do not say it surely.</summary>
    public static string? Read(string interpreter)
    {
        try
        {
            var real = new FileInfo(interpreter).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(interpreter);
            var name = BinaryName().Match(Path.GetFileName(real));
            var bin = Path.GetDirectoryName(real);
            if (!name.Success || bin is null || Path.GetFileName(bin) != "bin" || Path.GetDirectoryName(bin) is not { } prefix)
                return null;
            var majorMinor = $"{name.Groups[1].Value}.{name.Groups[2].Value}";
            var include = Path.Combine(prefix, "include");
            if (!Directory.Exists(include))
                return null;
            string? found = null;
            foreach (var folder in Directory.EnumerateDirectories(include, "python" + majorMinor + "*"))
            {
                if (IncludeName().Match(Path.GetFileName(folder)) is not { Success: true } match || match.Groups[1].Value != majorMinor)
                    continue; // python3.1 matched python3.11*
                var header = Path.Combine(folder, "patchlevel.h");
                if (!File.Exists(header) || ParsePatchLevel(File.ReadAllText(header)) is not { } version)
                    continue;
                if (found is not null && found != version)
                    return null; // two different versions under one prefix: not sure which one the binary is
                found = version;
            }
            return found is not null && (found == majorMinor || found.StartsWith(majorMinor, StringComparison.Ordinal) && !char.IsAsciiDigit(found[majorMinor.Length]))
                ? found : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The string of <c>#define PY_VERSION "3.11.2"</c> in a patchlevel.h, or null.</summary>
    internal static string? ParsePatchLevel(string text) =>
        PatchLevel().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    // python3.11, python3.13t (free-threaded), python3.6m: the name says major and minor.
    [GeneratedRegex(@"^python(\d+)\.(\d+)[a-z]*$")]
    private static partial Regex BinaryName();

    [GeneratedRegex(@"^python(\d+\.\d+)[a-z]*$")]
    private static partial Regex IncludeName();

    [GeneratedRegex(@"^#define\s+PY_VERSION\s+""(\d+\.\d+(?:\.\d+)?[0-9A-Za-z+.]*)""", RegexOptions.Multiline)]
    private static partial Regex PatchLevel();
}
