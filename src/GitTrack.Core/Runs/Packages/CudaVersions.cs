using System.Text.Json;
using System.Text.RegularExpressions;

namespace GitTrack.Core.Runs.Packages;

/// <summary>
/// The CUDA toolkit and cuDNN versions installed, read from their files (no process started): the toolkit's
/// <c>version.json</c> (or older <c>version.txt</c>) under <c>CUDA_HOME</c>, <c>CUDA_PATH</c> or <c>/usr/local/cuda</c>,
/// and <c>cudnn_version.h</c> in its <c>include/</c> or <c>/usr/include</c>. Recorded as packages of manager <c>system</c>.
/// </summary>
internal static partial class CudaVersions
{
    public static IEnumerable<Package> Read(string? cudaHome)
    {
        var root = cudaHome is { Length: > 0 } ? cudaHome : "/usr/local/cuda";
        if (ToolkitVersion(root) is { } cuda)
            yield return new Package("system", "cuda", cuda);
        foreach (var header in new[] { Path.Combine(root, "include", "cudnn_version.h"), "/usr/include/cudnn_version.h", "/usr/include/x86_64-linux-gnu/cudnn_version.h" })
        {
            if (CudnnVersion(header) is { } cudnn)
            {
                yield return new Package("system", "cudnn", cudnn);
                break;
            }
        }
    }

    private static string? ToolkitVersion(string root)
    {
        try
        {
            var json = Path.Combine(root, "version.json");
            if (File.Exists(json))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(json));
                if (document.RootElement.TryGetProperty("cuda", out var cuda) && cuda.TryGetProperty("version", out var version)
                    && version.ValueKind == JsonValueKind.String)
                    return version.GetString();
            }
            var text = Path.Combine(root, "version.txt");
            if (File.Exists(text) && TextVersion().Match(File.ReadAllText(text)) is { Success: true } match)
                return match.Groups[1].Value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
        }
        return null;
    }

    private static string? CudnnVersion(string header)
    {
        try
        {
            if (!File.Exists(header))
                return null;
            var text = File.ReadAllText(header);
            string? Define(string name) => Regex.Match(text, $@"#define\s+{name}\s+(\d+)") is { Success: true } m ? m.Groups[1].Value : null;
            return Define("CUDNN_MAJOR") is { } major && Define("CUDNN_MINOR") is { } minor
                ? $"{major}.{minor}.{Define("CUDNN_PATCHLEVEL") ?? "0"}" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"CUDA Version (\d+(?:\.\d+)*)")]
    private static partial Regex TextVersion();
}
