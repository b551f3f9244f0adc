using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack version</c> and <c>gittrack --version</c>: the tool's version and the git commit it was built from
/// (the SDK's SourceRevisionId, which it appends to the informational version as <c>+commit</c>).
/// </summary>
public static class VersionCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("version", "Print gittrack's version and the commit it was built from");
        command.SetAction(_ => Print(context));
        return command;
    }

    /// <summary>Makes the root's <c>--version</c> print what <c>gittrack version</c> prints.</summary>
    public static void UseForVersionOption(RootCommand root, CommandContext context)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
            option.Action = new PrintAction(context);
    }

    /// <summary>The one line both print, from this assembly's informational version.</summary>
    public static string Text() =>
        Text(typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>
    /// <c>gittrack 0.1.0 (commit 40-hex)</c>; a build made outside a git checkout has no commit and says so.
    /// </summary>
    internal static string Text(string? informationalVersion)
    {
        var text = string.IsNullOrEmpty(informationalVersion) ? "0.0.0" : informationalVersion;
        int plus = text.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? text : text[..plus];
        var commit = plus < 0 ? "" : text[(plus + 1)..];
        return commit.Length > 0
            ? $"gittrack {version} (commit {commit})"
            : $"gittrack {version} (built outside a git checkout: no commit recorded)";
    }

    private static int Print(CommandContext context)
    {
        context.Out.WriteLine(Text());
        return (int)ExitCode.Ok;
    }

    private sealed class PrintAction(CommandContext context) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => Print(context);
    }
}
