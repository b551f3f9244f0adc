using System.CommandLine;
using GitTrack.Cli.Commands;

namespace GitTrack.Cli;

/// <summary>Builds the command tree and runs one invocation; the single entry point for Program and the tests.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(CommandContext context)
    {
        var root = new RootCommand("gittrack: a git-native experiment tracker for machine learning");
        root.Subcommands.Add(VersionCommand.Create(context));
        VersionCommand.UseForVersionOption(root, context);
        root.Subcommands.Add(HookCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(SweepCommand.Create(context));
        root.Subcommands.Add(LsCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(LogCommand.Create(context));
        root.Subcommands.Add(CacheCommand.Create(context));
        root.Subcommands.Add(UiCommand.Create(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(BestCommand.Create(context));
        root.Subcommands.Add(TagCommand.Create(context));
        root.Subcommands.Add(UntagCommand.Create(context));
        root.Subcommands.Add(NoteCommand.Create(context));
        root.Subcommands.Add(RenameCommand.Create(context));
        root.Subcommands.Add(RmCommand.Create(context));
        root.Subcommands.Add(RestoreCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));
        root.Subcommands.Add(CheckoutCommand.Create(context));
        root.Subcommands.Add(RerunCommand.Create(context));
        root.Subcommands.Add(PullCommand.Create(context));
        root.Subcommands.Add(PushCommand.Create(context));
        root.Subcommands.Add(SyncCommand.Create(context));
        root.Subcommands.Add(MigrateCommand.Create(context));
        root.Subcommands.Add(WatchCommand.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(ModelCommand.Create(context));
        root.Subcommands.Add(GcCommand.Create(context));
        root.Subcommands.Add(LineageCommand.Create(context));
        root.Subcommands.Add(EnvCommand.Create(context));
        return root;
    }

    public static int Run(string[] args, CommandContext context)
    {
        var root = BuildRoot(context);
        if (args.Length == 0)
            args = ["--help"];
        // gittrack run [OPTIONS] CMD ARGS...: the options after CMD are the command's (TrailingCommandLine).
        args = TrailingCommandLine.Separate(root, args);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // An unrecognised token says more than the "required command" error that comes with it.
            var first = (parseResult.Errors.FirstOrDefault(e => e.Message.Contains("Unrecognized", StringComparison.Ordinal))
                ?? parseResult.Errors[0]).Message;
            var command = parseResult.CommandResult.Command;
            var path = command == root ? "gittrack" : $"gittrack {CommandPath(command, root)}";
            if (CommandSuggestion.For(parseResult) is { } typo)
            {
                var meant = string.Join(" or ", typo.Suggestions.Select(s => $"'{path} {s}'"));
                context.Error.WriteLine(ErrorReporter.Line($"unknown {(typo.Token.StartsWith('-') ? "option" : "command")} '{typo.Token}'", $"did you mean {meant}? see '{path} --help'"));
                return (int)ExitCode.Usage;
            }
            context.Error.WriteLine(ErrorReporter.Line(first, $"see '{path} --help'"));
            return (int)ExitCode.Usage;
        }

        try
        {
            return parseResult.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception exception)
        {
            return (int)ErrorReporter.Report(exception, context.Error);
        }
    }

    private static string CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (var c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }
}
