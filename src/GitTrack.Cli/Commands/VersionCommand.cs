using System.CommandLine;
using System.Reflection;

namespace GitTrack.Cli.Commands;

/// <summary><c>gittrack version</c>: prints the tool's version.</summary>
public static class VersionCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("version", "Print gittrack's version");
        command.SetAction(_ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            context.Out.WriteLine($"gittrack {version.Split('+')[0]}");
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
