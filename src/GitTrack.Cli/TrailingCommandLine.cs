using System.CommandLine;
using System.Runtime.CompilerServices;

namespace GitTrack.Cli;

/// <summary>
/// Commands that end in the command line they run, <c>gittrack run [OPTIONS] CMD [ARGS...]</c>: gittrack's own
/// options come first, and everything from the command's first word on belongs to the command, options and
/// <c>--help</c> included, as with <c>env</c>, <c>nohup</c>, <c>time</c> or <c>git -c</c>. A <c>--</c> before the
/// command is still accepted (and dropped). System.CommandLine would take a token that looks like one of gittrack's
/// options wherever it stands, so <see cref="Separate"/> inserts the <c>--</c> where the command starts before
/// parsing. A command opts in with <see cref="Mark"/>; its last argument receives the command line, and arguments
/// declared before it each take one word before the command.
/// </summary>
public static class TrailingCommandLine
{
    private static readonly ConditionalWeakTable<Command, object> Marked = [];
    private static readonly object Marker = new();

    /// <summary>Declares that <paramref name="command"/> ends in a command line; returns it.</summary>
    public static Command Mark(Command command)
    {
        Marked.AddOrUpdate(command, Marker);
        return command;
    }

    /// <summary>Whether <paramref name="command"/> was <see cref="Mark"/>ed.</summary>
    public static bool EndsInCommandLine(Command command) => Marked.TryGetValue(command, out _);

    /// <summary>
    /// <paramref name="args"/> (gittrack's whole argv) with <c>--</c> inserted before the command line when the
    /// subcommand they name ends in one and no <c>--</c> is there already; otherwise <paramref name="args"/> itself.
    /// </summary>
    public static string[] Separate(RootCommand root, string[] args)
    {
        Command current = root;
        var next = 0;
        while (next < args.Length && current.Subcommands.FirstOrDefault(c => c.Name == args[next] || c.Aliases.Contains(args[next])) is { } sub)
        {
            current = sub;
            next++;
        }
        if (current == root || !EndsInCommandLine(current))
            return args;
        var start = StartOfCommandLine(current, args, next);
        if (start < 0 || args[start] == "--")
            return args;
        return [.. args[..start], "--", .. args[start..]];
    }

    /// <summary>
    /// The index in <paramref name="args"/> (from <paramref name="from"/>, the first token after the subcommand's
    /// name) of the command line's first word, or of a <c>--</c> before it; -1 when there is none, or when an option
    /// gittrack does not know comes first (left to the parser, which reports it).
    /// </summary>
    public static int StartOfCommandLine(Command command, IReadOnlyList<string> args, int from)
    {
        var options = OptionsOf(command);
        var wordsBefore = Math.Max(0, command.Arguments.Count - 1);
        for (var i = from; i < args.Count; i++)
        {
            var token = args[i];
            if (token == "--")
                return i;
            if (token.Length > 1 && token[0] == '-')
            {
                // --name VALUE, --name=VALUE, --name:VALUE, -n VALUE, -nVALUE; flags take no value.
                var separator = token.IndexOfAny(['=', ':']);
                var name = separator > 0 ? token[..separator] : token;
                if (options.TryGetValue(name, out var takesValue))
                {
                    if (takesValue && separator < 0)
                        i++;
                    continue;
                }
                if (token[1] != '-' && options.TryGetValue(token[..2], out var attached) && attached)
                    continue;
                return -1;
            }
            if (wordsBefore > 0)
            {
                wordsBefore--;
                continue;
            }
            return i;
        }
        return -1;
    }

    /// <summary>
    /// The command line a marked command received, checked: a first word that starts with '-' is an option gittrack
    /// does not know, given before the command (the parser hands it over as the command's first word), so it is a
    /// usage error naming it rather than a program that cannot be found.
    /// </summary>
    public static string[] CommandLineOf(string[] received, string verb)
    {
        if (received.Length > 0 && received[0].Length > 1 && received[0][0] == '-')
            throw new Core.Errors.InvalidInputException($"unknown option '{received[0]}' for 'gittrack {verb}'",
                $"gittrack's options go before the command, the command's after its first word; see 'gittrack {verb} --help'");
        return received;
    }

    /// <summary>Every name and alias of the options that apply to <paramref name="command"/> (its own and recursive ones above it), with whether each takes a value.</summary>
    private static Dictionary<string, bool> OptionsOf(Command command)
    {
        var options = new Dictionary<string, bool>(StringComparer.Ordinal);
        void Add(Option option)
        {
            var takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
            options.TryAdd(option.Name, takesValue);
            foreach (var alias in option.Aliases)
                options.TryAdd(alias, takesValue);
        }
        foreach (var option in command.Options)
            Add(option);
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            foreach (var option in parent.Options.Where(o => o.Recursive))
                Add(option);
        return options;
    }
}
