using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// The Python distributions an interpreter sees, read as <c>importlib.metadata</c> lists them and without starting
/// it: the <c>Name</c> and <c>Version</c> headers of each <c>*.dist-info/METADATA</c> (and <c>*.egg-info/PKG-INFO</c>)
/// in its site-packages folders, the first of a name winning as on <c>sys.path</c>. The interpreter is the command's
/// own (its first word found on PATH, a pyenv shim resolved, a script in a virtualenv's <c>bin/</c>), else the active
/// virtualenv (<c>VIRTUAL_ENV</c>).
/// </summary>
internal static class PythonPackages
{
    /// <summary>The site-packages folders of the interpreter <paramref name="command"/> runs with, most important first; empty when none is found.</summary>
    public static IReadOnlyList<string> SiteFolders(IReadOnlyList<string> command, string workingDirectory, string? pathVariable, string? virtualEnv)
    {
        string? prefix = null;
        string? version = null;
        if (command.Count > 0 && ExecutableLookup.Find(command[0], pathVariable, workingDirectory) is { } program)
        {
            var name = Path.GetFileName(program);
            if (IsPythonName(name))
            {
                program = PyenvResolver.ResolveShim(command[0], workingDirectory) ?? program;
                version = VersionOf(name);
            }
            var bin = Path.GetDirectoryName(program);
            var candidate = bin is null ? null : Path.GetDirectoryName(bin);
            // python itself, or a console script (pytest, torchrun, accelerate) installed in an environment's bin/.
            if (candidate is not null && Path.GetFileName(bin) == "bin"
                && (IsPythonName(name) || File.Exists(Path.Combine(candidate, "pyvenv.cfg")) || Directory.Exists(Path.Combine(candidate, "conda-meta"))))
            {
                prefix = candidate;
                if (IsPythonName(name) && version is null && !File.Exists(Path.Combine(candidate, "pyvenv.cfg")))
                    version = VersionOf(Path.GetFileName(ResolveLink(program)));
            }
        }
        if (prefix is null && !string.IsNullOrEmpty(virtualEnv) && File.Exists(Path.Combine(virtualEnv, "pyvenv.cfg")))
            prefix = virtualEnv;
        if (prefix is null)
            return [];
        var folders = new List<string>();
        var config = Path.Combine(prefix, "pyvenv.cfg");
        if (File.Exists(config))
        {
            var settings = ReadConfig(config);
            version ??= settings.TryGetValue("version_info", out var info) ? MajorMinor(info)
                : settings.TryGetValue("version", out var v) ? MajorMinor(v) : null;
            folders.AddRange(PrefixFolders(prefix, version));
            if (settings.TryGetValue("include-system-site-packages", out var include) && include.Equals("true", StringComparison.OrdinalIgnoreCase)
                && settings.TryGetValue("home", out var home) && Path.GetDirectoryName(home.TrimEnd('/')) is { } basePrefix)
                folders.AddRange(PrefixFolders(basePrefix, version));
        }
        else
        {
            folders.AddRange(PrefixFolders(prefix, version));
        }
        return [.. folders.Where(Directory.Exists).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Every distribution in <paramref name="folders"/>, in folder order then name order (the first of a name is the one imported).</summary>
    public static IEnumerable<Package> Read(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            string[] entries;
            try
            {
                entries = Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var files = new List<string>(entries.Length);
            foreach (var entry in entries)
            {
                if (entry.EndsWith(".dist-info", StringComparison.Ordinal))
                    files.Add(Path.Combine(entry, "METADATA"));
                else if (entry.EndsWith(".egg-info", StringComparison.Ordinal))
                    files.Add(Path.Combine(entry, "PKG-INFO"));
            }
            // Hundreds of small reads: spread over the cores (each is an open, one read and a close), order kept.
            var packages = new Package?[files.Count];
            Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => packages[i] = ReadHeaders(files[i]));
            foreach (var package in packages)
                if (package is not null)
                    yield return package;
        }
    }

    /// <summary>
    /// The Name and Version headers of a METADATA file (RFC 822 style: headers end at the first blank line). Name and
    /// Version come first in every file pip writes, so one 4 KiB read almost always holds them; the rest of the
    /// headers are read only when not.
    /// </summary>
    internal static Package? ReadHeaders(string path)
    {
        try
        {
            Span<byte> first = stackalloc byte[4096];
            int read;
            using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                read = RandomAccess.Read(handle, first, 0);
            if (Headers(first[..read], complete: read < first.Length) is { } quick)
                return quick;
            if (read < first.Length)
                return null;
            return Headers(File.ReadAllBytes(path), complete: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Name and Version from the header lines of <paramref name="text"/> (UTF-8; only those two values are decoded);
    /// null when missing (or maybe past the text, unless it is <paramref name="complete"/>).
    /// </summary>
    private static Package? Headers(ReadOnlySpan<byte> text, bool complete)
    {
        string? name = null, version = null;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            if (end < 0 && !complete)
                break; // without the whole file the last line may be cut: it is not trusted
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
                line = line[..^1];
            if (line.IsEmpty)
                break;
            if (name is null && StartsWithIgnoreCase(line, "Name:"u8))
                name = Value(line[5..]);
            else if (version is null && StartsWithIgnoreCase(line, "Version:"u8))
                version = Value(line[8..]);
            if (name is not null && version is not null)
                return name.Length == 0 || version.Length == 0 ? null : new Package("pip", name, version);
        }
        return null;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);

    private static string Value(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes).Trim();

    private static IEnumerable<string> PrefixFolders(string prefix, string? version)
    {
        foreach (var lib in new[] { "lib", "lib64" })
        {
            var root = Path.Combine(prefix, lib);
            // venv makes lib64 a link to lib: the same folders, listed once.
            if (!Directory.Exists(root) || (lib == "lib64" && new DirectoryInfo(root).LinkTarget is not null))
                continue;
            if (version is not null)
            {
                yield return Path.Combine(root, "python" + version, "site-packages");
                yield return Path.Combine(root, "python" + version, "dist-packages");
            }
            else
            {
                // No version known: every pythonX.Y folder, newest first.
                foreach (var folder in Directory.EnumerateDirectories(root, "python3*").OrderDescending(StringComparer.Ordinal))
                {
                    yield return Path.Combine(folder, "site-packages");
                    yield return Path.Combine(folder, "dist-packages");
                }
            }
            yield return Path.Combine(root, "python3", "dist-packages"); // Debian's system packages
        }
        // Debian's pip installs for the system interpreter.
        if (version is not null && prefix == "/usr")
            yield return Path.Combine("/usr/local/lib", "python" + version, "dist-packages");
    }

    internal static bool IsPythonName(string name) =>
        name == "python" || (name.StartsWith("python3", StringComparison.Ordinal) && name[7..].All(c => char.IsAsciiDigit(c) || c == '.'));

    private static string? VersionOf(string name) =>
        name.StartsWith("python3.", StringComparison.Ordinal) && name.Length > 8 && name[8..].All(char.IsAsciiDigit) ? name[6..] : null;

    private static string? MajorMinor(string version)
    {
        var parts = version.Trim().Split('.');
        return parts.Length >= 2 && parts[0].All(char.IsAsciiDigit) && parts[1].All(char.IsAsciiDigit) && parts[1].Length > 0 ? $"{parts[0]}.{parts[1]}" : null;
    }

    private static string ResolveLink(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static Dictionary<string, string> ReadConfig(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var eq = line.IndexOf('=');
                if (eq > 0)
                    result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return result;
    }
}
