using System.CommandLine;
using System.Diagnostics;
using GitTrack.Core.Storage;
using GitTrack.Web.Hosting;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack ui</c>: serves the runs of this repository as a web page on this machine until Ctrl-C.</summary>
public static class UiCommand
{
    public static Command Create(CommandContext context)
    {
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0, the default, picks a free one)" };
        var host = new Option<string>("--host") { Description = "Address to bind (default 127.0.0.1; anything else exposes your runs to the network)", DefaultValueFactory = _ => "127.0.0.1" };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser (xdg-open)" };
        var allowEdits = new Option<bool>("--allow-edits") { Description = "Allow editing tags and notes of finished runs from the page" };
        var command = new Command("ui", "Show runs, charts and diffs in the browser (a local web server)");
        command.Options.Add(port);
        command.Options.Add(host);
        command.Options.Add(open);
        command.Options.Add(allowEdits);
        command.SetAction(async (parseResult, cancellation) =>
        {
            var options = new UiOptions
            {
                Directories = GitDirectories.Discover(context.WorkingDirectory),
                Host = parseResult.GetValue(host)!,
                Port = parseResult.GetValue(port),
                AllowEdits = parseResult.GetValue(allowEdits),
            };
            UiServer.ParseHost(options.Host);
            if (!UiServer.IsLoopback(options.Host))
                context.Error.WriteLine($"gittrack: warning: listening on {options.Host}: anyone who can reach this machine can read your runs, logs and artifacts");
            await using var server = await UiServer.StartAsync(options, cancellation);
            context.Out.WriteLine($"gittrack ui: {server.Url}  (serving {options.Directories.WorkTree}{(options.AllowEdits ? ", edits allowed" : ", read-only")}; Ctrl-C to stop)");
            context.Out.Flush();
            if (parseResult.GetValue(open))
                TryOpen(context, server.Url);
            await server.WaitForShutdownAsync();
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void TryOpen(CommandContext context, Uri url)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("xdg-open") { ArgumentList = { url.ToString() }, UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            context.Error.WriteLine($"gittrack: could not start a browser (xdg-open is missing); open {url} yourself");
        }
    }
}
