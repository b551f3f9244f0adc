using System.CommandLine;
using GitTrack.Core.Query;

namespace GitTrack.Cli;

/// <summary>
/// "Did you mean" for a mistyped subcommand or option: the first token the parser could not place, against the
/// names and aliases of what the command it stopped at takes (<c>gittrack lss</c>: <c>gittrack ls</c>).
/// </summary>
public static class CommandSuggestion
{
    /// <summary>The unknown token and what it was probably meant to be, or null when nothing is near.</summary>
    public static (string Token, IReadOnlyList<string> Suggestions)? For(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var token = parseResult.UnmatchedTokens.FirstOrDefault();
        if (token is null)
            return null;
        var command = parseResult.CommandResult.Command;
        IEnumerable<string> names = token.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        // An option is compared without the value given to it (--filtr=x).
        var written = token.StartsWith('-') && token.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals ? token[..equals] : token;
        var near = NearNames.Of(written, names);
        return near.Count == 0 ? null : (token, near);
    }
}
