using System.Net;
using System.Security.Cryptography;
using GitTrack.Core.Errors;
using GitTrack.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GitTrack.Web.Hosting;

/// <summary>
/// The web UI's server: Kestrel from the shared framework, serving the JSON API and the embedded page for one
/// repository. Guards: the Host header must name the bound address (no DNS rebinding from another site), every
/// request that changes state needs the per-process token in <c>X-GitTrack-Token</c>, and every response forbids
/// scripts from anywhere but the page itself.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    public const string TokenHeader = "X-GitTrack-Token";

    private readonly WebApplication _app;
    private readonly RunsData _data;

    private UiServer(WebApplication app, RunsData data, Uri url, string token)
    {
        _app = app;
        _data = data;
        Url = url;
        Token = token;
    }

    /// <summary>The address the page is served at.</summary>
    public Uri Url { get; }

    /// <summary>The per-process token state-changing requests must carry.</summary>
    public string Token { get; }

    /// <summary>The address to bind for <c>--host</c>: an IP address, or <c>localhost</c>.</summary>
    public static IPAddress ParseHost(string host) => host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var parsed) ? parsed
        : throw new InvalidInputException($"'{host}' is not an IP address", "give --host an address such as 127.0.0.1 or 0.0.0.0");

    /// <summary>True when the address is a loopback one (only this machine can connect).</summary>
    public static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    public static async Task<UiServer> StartAsync(UiOptions options, CancellationToken cancellation = default)
    {
        var address = ParseHost(options.Host);
        if (options.Port is < 0 or > 65535)
            throw new InvalidInputException($"port {options.Port} is out of range", "give --port a number from 1 to 65535, or 0 for any free port");

        var data = new RunsData(options.Directories);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.Directories.WorkTree });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // brotli or gzip, as the browser asks: a 100,000-run listing is mostly repeated keys.
        builder.Services.AddResponseCompression();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
        });
        var app = builder.Build();
        var loopback = IsLoopback(options.Host);
        int? boundPort = null;

        app.UseResponseCompression();
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers["Content-Security-Policy"] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // Bound to loopback, only a Host naming loopback is genuine: another name resolving to 127.0.0.1 is
            // a DNS rebinding attempt by some web site.
            if (loopback && !IsLoopbackHost(http.Request.Host, boundPort))
            {
                await RunsApi.Error(http, StatusCodes.Status421MisdirectedRequest, "this server answers only to a loopback host name", "open the URL gittrack ui printed");
                return;
            }
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                if (!options.AllowEdits)
                {
                    await RunsApi.Error(http, StatusCodes.Status403Forbidden, "the UI is read-only", "start it with 'gittrack ui --allow-edits' to edit");
                    return;
                }
                var given = http.Request.Headers[TokenHeader].ToString();
                if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(given), System.Text.Encoding.ASCII.GetBytes(token)))
                {
                    await RunsApi.Error(http, StatusCodes.Status403Forbidden, "missing or wrong edit token", "edit from the page gittrack ui serves");
                    return;
                }
            }
            try
            {
                await next(http);
            }
            catch (System.Text.Json.JsonException e) when (!http.Response.HasStarted)
            {
                await RunsApi.Error(http, StatusCodes.Status400BadRequest, $"the request body is not valid JSON: {e.Message}", null);
            }
            catch (BadHttpRequestException e) when (!http.Response.HasStarted)
            {
                // The request itself is malformed (a body too large, a bad header): its own status, as JSON.
                await RunsApi.Error(http, e.StatusCode, e.Message, null);
            }
            catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                // Every failure is a JSON error with the line the command line would print: git's and the file
                // system's faults said as GitTrack errors (GitErrors), anything else as an internal error.
                if (GitErrors.Translate(e) is { } known)
                    await RunsApi.Error(http, StatusFor(known), known.Message, known.Hint);
                else
                    await RunsApi.Error(http, StatusCodes.Status500InternalServerError, $"internal error: {e.GetType().Name}: {e.Message}",
                        "please report this; the server's standard error has details when GITTRACK_DEBUG=1");
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GITTRACK_DEBUG")))
                    await Console.Error.WriteLineAsync(e.ToString());
            }
        });

        RunsApi.Map(app, data, options, token);
        ModelsApi.Map(app, options.Directories);
        LineageApi.Map(app, options.Directories);
        app.MapGet("/api/{**rest}", (HttpContext http) => RunsApi.Error(http, StatusCodes.Status404NotFound, "no such API endpoint", null));
        // The page is one document: every other GET is either an embedded asset or the page (its views are #fragments).
        app.MapGet("/{**path}", (HttpContext http) =>
        {
            var path = http.Request.Path.Value ?? "/";
            if (path == "/")
                path = "/index.html";
            if (StaticAssets.Has(path))
                return StaticAssets.Serve(http, path);
            return RunsApi.Error(http, StatusCodes.Status404NotFound, "not found", null);
        });

        try
        {
            await app.StartAsync(cancellation);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            data.Dispose();
            throw new InvalidInputException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", "choose another --port, or leave it out for any free one", e);
        }
        // Bring the local run index up to date before the first page asks (with 10,000 runs, that is most of the
        // first request's time); a failure here is reported by the request that meets it.
        _ = Task.Run(() =>
        {
            try
            {
                data.Warm();
            }
            catch (Exception e) when (e is GitTrackException or IOException)
            {
            }
        }, CancellationToken.None);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        boundPort = port;
        var shownHost = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return new UiServer(app, data, new Uri($"http://{shownHost}:{port}/"), token);
    }

    /// <summary>The HTTP status of a GitTrack error: the request's fault (4xx), or the server's (5xx, 507 for a full disk).</summary>
    internal static int StatusFor(GitTrackException error) => error switch
    {
        NotFoundException => StatusCodes.Status404NotFound,
        InvalidInputException => StatusCodes.Status400BadRequest,
        AmbiguousException or ConflictException => StatusCodes.Status409Conflict,
        IOFaultException { Kind: IOFault.DiskFull } => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static bool IsLoopbackHost(HostString host, int? port)
    {
        if (port is { } p && host.Port is { } given && given != p)
            return false;
        return host.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1";
    }

    /// <summary>Completes when the server stops: Ctrl-C or SIGTERM (the host's console lifetime), or disposal.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}
