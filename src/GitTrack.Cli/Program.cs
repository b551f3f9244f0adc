using GitTrack.Cli;

return CliApp.Run(args, CommandContext.ForConsole());
