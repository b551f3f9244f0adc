using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace GitTrack.Web.Hosting;

/// <summary>
/// The built page, embedded in this assembly under <c>wwwroot/</c>. A request is answered only when its path is
/// exactly one of the embedded names, so no request reaches the file system.
/// </summary>
internal static class StaticAssets
{
    private static readonly Dictionary<string, string> Names = typeof(StaticAssets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal))
        .ToDictionary(n => n["wwwroot".Length..], n => n, StringComparer.Ordinal);

    public static bool Has(string path) => Names.ContainsKey(path);

    public static async Task Serve(HttpContext http, string path)
    {
        await using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(Names[path])!;
        http.Response.ContentType = Path.GetExtension(path) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            _ => "application/octet-stream",
        };
        // Built asset names carry a content hash; the page itself must be fetched afresh after an upgrade.
        http.Response.Headers.CacheControl = path.StartsWith("/assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
        http.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
    }
}
