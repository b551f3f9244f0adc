using System.Globalization;

namespace GitTrack.Core.Runs.Capture;

/// <summary>Parsers for the Linux files that describe the machine: <c>/etc/os-release</c>, <c>/proc/cpuinfo</c>, <c>/proc/meminfo</c>.</summary>
public static class LinuxSystemFiles
{
    /// <summary><c>PRETTY_NAME</c> of os-release (quotes removed), or NAME and VERSION when it is missing.</summary>
    public static string? OsPrettyName(string osRelease)
    {
        string? pretty = null, name = null, version = null;
        foreach (var line in osRelease.Split('\n'))
        {
            int equals = line.IndexOf('=');
            if (equals <= 0)
                continue;
            var key = line[..equals].Trim();
            var value = Unquote(line[(equals + 1)..].Trim());
            switch (key)
            {
                case "PRETTY_NAME": pretty = value; break;
                case "NAME": name = value; break;
                case "VERSION": version = value; break;
            }
        }
        if (!string.IsNullOrEmpty(pretty))
            return pretty;
        if (string.IsNullOrEmpty(name))
            return null;
        return string.IsNullOrEmpty(version) ? name : $"{name} {version}";
    }

    /// <summary>The CPU model: <c>model name</c> (x86), else <c>Model</c> or <c>Hardware</c> (ARM boards), or null.</summary>
    public static string? CpuModel(string cpuInfo)
    {
        string? model = null, hardware = null;
        foreach (var line in cpuInfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0)
                continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (value.Length == 0)
                continue;
            if (key == "model name")
                return value;
            if (key is "Model" or "cpu model")
                model ??= value;
            else if (key == "Hardware")
                hardware ??= value;
        }
        return model ?? hardware;
    }

    /// <summary><c>MemTotal</c> of meminfo in bytes, or 0.</summary>
    public static long MemTotalBytes(string memInfo)
    {
        foreach (var line in memInfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
                continue;
            var parts = line["MemTotal:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
                return kib * 1024;
        }
        return 0;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
