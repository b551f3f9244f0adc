using System.Globalization;
using System.Text.RegularExpressions;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Sweeps.Internal;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// Reads the space of a sweep param as written on the command line (<c>-p NAME=SPACE</c>) or in a sweep file
/// (docs/sweeps.md): <c>a,b,c</c> (values typed as <c>gittrack run -p</c> types them; a Hydra-style override
/// <c>key=a,b</c> is the same), <c>2..8</c> or <c>2..8:2</c>, <c>uniform(lo,hi)</c>, <c>loguniform(lo,hi)</c>,
/// <c>choice(a,b,c)</c>, or one value. Anything else is an <see cref="InvalidInputException"/> naming the param.
/// </summary>
public static partial class SpaceParser
{
    /// <summary>The distributions a space may name, as the error for an unknown one lists them.</summary>
    public const string KnownDistributions = "uniform(lo,hi), loguniform(lo,hi), choice(a,b,...)";

    /// <summary>Parses <c>NAME=SPACE</c>; the name follows the rules of <c>gittrack run -p</c>.</summary>
    public static ParamSpace ParseArgument(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        int equals = argument.IndexOf('=');
        if (equals < 0)
            throw new InvalidInputException($"invalid --param '{argument}': expected NAME=SPACE", "for example -p lr=0.1,0.01 or -p depth=2..8");
        // The name is checked exactly as gittrack run checks it (the value is read below as a space).
        var name = ParamsParser.ParseArgument(argument[..equals] + "=").Key;
        return Parse(name, argument[(equals + 1)..]);
    }

    /// <summary>Parses the space <paramref name="text"/> of param <paramref name="name"/>.</summary>
    public static ParamSpace Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim(' ');
        if (trimmed.Length == 0)
            throw Bad(name, text, "the list of values is empty", $"give one value or more: {name}=a,b");
        if (RangePattern().Match(trimmed) is { Success: true } range)
            return Range(name, text, range);
        if (FloatRangePattern().IsMatch(trimmed))
            throw Bad(name, text, "a range goes over integers", $"for floats draw from {name}=uniform(lo,hi) with --random N, or list the values");
        if (DistributionPattern().Match(trimmed) is { Success: true } call)
            return Distribution(name, text, call.Groups["name"].Value, call.Groups["args"].Value);
        return new ValueListSpace(name, Values(name, text, trimmed));
    }

    /// <summary>A space given as an array of typed values (a sweep file's <c>lr = [0.1, 0.01]</c>).</summary>
    public static ParamSpace FromValues(string name, IReadOnlyList<object> values)
    {
        if (values.Count == 0)
            throw Bad(name, "[]", "the list of values is empty", $"give one value or more: {name} = [a, b]");
        return new ValueListSpace(name, values);
    }

    private static ParamSpace Range(string name, string text, Match match)
    {
        if (!long.TryParse(match.Groups["start"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(match.Groups["end"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var end))
            throw Bad(name, text, "the range's bounds are not 64-bit integers", "write a range as 2..8 or 2..8:2");
        long step = 1;
        if (match.Groups["step"].Success
            && (!long.TryParse(match.Groups["step"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out step) || step <= 0))
            throw Bad(name, text, "the range's step is not a positive integer", "write the step after a colon: 2..8:2");
        if (start > end)
            throw Bad(name, text, $"the range is empty: {start} is greater than {end}", $"write it from low to high: {end}..{start}");
        return new IntegerRangeSpace(name, start, end, step);
    }

    private static ParamSpace Distribution(string name, string text, string function, string arguments)
    {
        switch (function)
        {
            case "choice":
            {
                var values = Values(name, text, arguments.Trim(' '));
                return new ValueListSpace(name, values, writtenAsChoice: true);
            }
            case "uniform" or "loguniform":
            {
                var bounds = SpaceText.SplitList(arguments);
                if (bounds is not { Count: 2 })
                    throw Bad(name, text, $"{function} takes two numbers, low and high", $"for example {name}={function}(0.0001,0.1)");
                var low = Number(name, text, bounds[0]);
                var high = Number(name, text, bounds[1]);
                if (!(low < high))
                    throw Bad(name, text, $"{function} needs low < high, got {bounds[0]} and {bounds[1]}", $"for example {name}={function}(0.0001,0.1)");
                if (function == "loguniform" && low <= 0)
                    throw Bad(name, text, "loguniform needs bounds above 0", $"for example {name}=loguniform(1e-5,1e-1)");
                return new UniformSpace(name, low, high, logarithmic: function == "loguniform");
            }
            default:
                throw Bad(name, text, $"unknown distribution '{function}'", $"use one of {KnownDistributions}, or quote the value: {name}='\"{function}(...)\"'");
        }
    }

    private static double Number(string name, string text, string bound)
    {
        var value = ParamValue.Infer(bound.Trim(' '));
        return value switch
        {
            long l => l,
            double d when double.IsFinite(d) => d,
            _ => throw Bad(name, text, $"'{bound}' is not a finite number", "give numbers such as 0.5 or 1e-4"),
        };
    }

    private static List<object> Values(string name, string text, string list)
    {
        var elements = SpaceText.SplitList(list)
            ?? throw Bad(name, text, "a quote is not closed", "close it, as in a,\"b,c\"");
        if (elements.Count == 0 || (elements.Count == 1 && elements[0].Length == 0))
            throw Bad(name, text, "the list of values is empty", $"give one value or more: {name}=a,b");
        var values = new List<object>(elements.Count);
        foreach (var element in elements)
        {
            if (element.Length == 0)
                throw Bad(name, text, "the list has an empty value", "remove the extra comma, or write an empty string as \"\"");
            values.Add(ParamValue.Infer(element));
        }
        return values;
    }

    private static InvalidInputException Bad(string name, string text, string what, string hint) =>
        new($"bad space for param '{name}' ('{text}'): {what}", hint);

    // Integers only: a float range (0.1..0.5) is an error, since where its steps fall is a guess.
    [GeneratedRegex(@"^(?<start>[+-]?\d+)\.\.(?<end>[+-]?\d+)(?::(?<step>[+-]?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\.\.[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(:.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatRangePattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\((?<args>.*)\)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DistributionPattern();
}
