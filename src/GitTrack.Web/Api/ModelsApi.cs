using System.Text.Json;
using GitTrack.Core.Models;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitTrack.Web.Api;

/// <summary>
/// <c>GET /api/models</c>: the model registry for the page's models view, each version with its run's summary
/// (metrics included), the same JSON as <c>gittrack model ls --json</c>; entries left out are listed as skipped.
/// </summary>
internal static class ModelsApi
{
    public static void Map(IEndpointRouteBuilder app, GitDirectories directories)
    {
        app.MapGet("/api/models", (HttpContext http) =>
        {
            // Its own store: the runs data's store is guarded by that class's lock, and this is read rarely.
            using var store = RunStore.Open(directories);
            var registry = new ModelRegistry(store);
            var models = registry.List();
            var runs = store.List(includeRemoved: true).ToDictionary(r => r.Id, StringComparer.Ordinal);
            return RunsApi.Json(http, json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("models");
                foreach (var model in models)
                    ModelJson.WriteModel(json, model, runs);
                json.WriteEndArray();
                json.WriteStartArray("skipped");
                foreach (var entry in registry.Skipped)
                {
                    json.WriteStartObject();
                    json.WriteString("path", entry.Path);
                    json.WriteString("reason", entry.Reason);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
        });
    }
}
