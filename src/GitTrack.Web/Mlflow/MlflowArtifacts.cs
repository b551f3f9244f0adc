using GitTrack.Core.Runs;
using Microsoft.AspNetCore.Http;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// MLflow's artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/&lt;experiment&gt;/&lt;run&gt;/artifacts/&lt;path&gt;</c>),
/// which MLflow's clients use for runs whose <c>artifact_uri</c> is <c>mlflow-artifacts:/…</c>: PUT uploads a file
/// into the artifact cache and into the live run, GET downloads one from the cache, GET with <c>?path=</c> lists.
/// Paths are checked as the manifest's are, so nothing names a file outside the run.
/// </summary>
internal static class MlflowArtifacts
{
    public static async Task HandleAsync(HttpContext http, MlflowRuns runs, string rest)
    {
        if (rest.Length == 0)
        {
            if (!HttpMethods.IsGet(http.Request.Method))
                throw new MlflowError("ENDPOINT_NOT_FOUND", $"{http.Request.Method} {http.Request.Path} is not an artifact endpoint");
            var (runId, inner) = Split(http.Request.Query["path"].ToString(), allowRoot: true);
            var view = runs.Get(runId);
            await ListAsync(http, runs.Artifacts(runId), inner, view.ArtifactUri, proxyForm: true);
            return;
        }
        var (id, path) = Split(rest, allowRoot: false);
        if (HttpMethods.IsPut(http.Request.Method))
        {
            if (!IsRelativePath(path))
                throw MlflowError.Invalid($"Invalid artifact path: '{path}'");
            Directory.CreateDirectory(runs.TempFolder);
            var temp = Path.Combine(runs.TempFolder, $"mlflow-upload-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                long size;
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await http.Request.Body.CopyToAsync(file, http.RequestAborted);
                    size = file.Length;
                }
                var key = runs.Cache.AddFile(temp);
                runs.AddArtifact(id, new ArtifactEntry(path, key, size));
            }
            finally
            {
                try { File.Delete(temp); } catch (IOException) { }
            }
            await MlflowServer.JsonAsync(http, json => { json.WriteStartObject(); json.WriteEndObject(); });
            return;
        }
        if (HttpMethods.IsGet(http.Request.Method))
        {
            var artifact = runs.Artifacts(id).FirstOrDefault(a => a.Path == path)
                ?? throw MlflowError.NotFound($"run {id} has no artifact '{path}'");
            if (!runs.Cache.Contains(artifact.Key))
                throw MlflowError.NotFound($"artifact '{path}' of run {id} is not in this clone's artifact cache");
            http.Response.ContentType = "application/octet-stream";
            await using var stream = runs.Cache.OpenRead(artifact.Key);
            await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
            return;
        }
        throw new MlflowError("ENDPOINT_NOT_FOUND", $"{http.Request.Method} {http.Request.Path} is not an artifact endpoint");
    }

    /// <summary><c>&lt;experiment&gt;/&lt;run&gt;/artifacts[/path]</c> into the run id and the path inside its artifacts.</summary>
    private static (string RunId, string Path) Split(string text, bool allowRoot)
    {
        var parts = text.Trim('/').Split('/', 4);
        if (parts.Length < 3 || parts[2] != "artifacts" || (!allowRoot && parts.Length < 4))
            throw MlflowError.Invalid($"'{text}' is not <experiment id>/<run id>/artifacts/<path>");
        return (parts[1], parts.Length == 4 ? parts[3] : "");
    }

    /// <summary>The direct children of <paramref name="folder"/> among a run's artifacts, as MLflow's FileInfo list.</summary>
    public static Task ListAsync(HttpContext http, IReadOnlyList<ArtifactEntry> artifacts, string folder, string rootUri, bool proxyForm = false)
    {
        folder = folder.Trim('/');
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var files = new SortedDictionary<string, (bool IsDir, long Size)>(StringComparer.Ordinal);
        foreach (var artifact in artifacts.Where(a => a.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var rest = artifact.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash >= 0)
                files[prefix + rest[..slash]] = (true, 0);
            else
                files[artifact.Path] = (false, artifact.Size);
        }
        return MlflowServer.JsonAsync(http, json =>
        {
            json.WriteStartObject();
            if (!proxyForm)
                json.WriteString("root_uri", rootUri);
            json.WriteStartArray("files");
            foreach (var (path, (isDir, size)) in files)
            {
                json.WriteStartObject();
                // The proxy lists names relative to the folder asked for; artifacts/list gives paths from the root.
                json.WriteString("path", proxyForm ? path[prefix.Length..] : path);
                json.WriteBoolean("is_dir", isDir);
                if (!isDir)
                    json.WriteNumber("file_size", size);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static bool IsRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains(':') && !path.Any(char.IsControl)
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));
}
