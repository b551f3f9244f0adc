using System.CommandLine;
using GitTrack.Cli.Rendering;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack hook NAME [ARGS...]</c>: what the shims in hooks/ call. Always exits 0, outside a repository
/// too, so a hook can never block git.
/// </summary>
public static class HookCommand
{
    public static Command Create(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The git hook being run (pre-push)" };
        var rest = new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Description = "The arguments git gave the hook" };
        var command = new Command("hook", "Run GitTrack's part of a git hook (called by the shims in hooks/)") { name, rest };
        command.Hidden = true;
        command.SetAction(parseResult =>
        {
            try
            {
                if (parseResult.GetValue(name) == "pre-push" && GitDirectories.TryDiscover(context.WorkingDirectory) is { } directories)
                {
                    var args = parseResult.GetValue(rest) ?? [];
                    var remote = args.Length > 0 ? args[0] : "origin";
                    // git writes "<local ref> <local sha> <remote ref> <remote sha>" per pushed ref on standard input.
                    var pushed = new List<string>();
                    if (Console.IsInputRedirected)
                        for (var line = Console.In.ReadLine(); line is not null; line = Console.In.ReadLine())
                            if (line.Split(' ') is [var localRef, ..])
                                pushed.Add(localRef);
                    if (PushReminder.Check(directories, remote, pushed) is { } reminder)
                        context.Error.WriteLine(TerminalText.Escape($"gittrack: {reminder}"));
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A hook must never break git; say what happened and carry on.
                context.Error.WriteLine(TerminalText.Escape($"gittrack: hook skipped: {exception.Message}"));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
