using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Models;

/// <summary>
/// The names the registry stores in paths and files, checked on write and again on read (the branch may come from
/// a hostile push): model names (<c>A-Z a-z 0-9 . _ -</c>, starting with a letter or digit, at most 100), alias names
/// (a letter, then letters, digits, <c>_</c> or <c>-</c>, at most 63; <c>latest</c> is reserved) and entry ids
/// (32 lowercase hex digits, random).
/// </summary>
public static partial class ModelNames
{
    /// <summary>The alias every model has without storing it: its highest version.</summary>
    public const string Latest = "latest";

    public static bool IsModel(string? name) => name is not null && ModelPattern().IsMatch(name);

    public static bool IsAlias(string? name) => name is not null && AliasPattern().IsMatch(name) && name != Latest;

    public static bool IsEntryId(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static string NewEntryId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string CheckModel(string name) => IsModel(name) ? name
        : throw new InvalidInputException($"'{name}' is not a usable model name",
            "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters");

    public static string CheckAlias(string name) => IsAlias(name) ? name
        : throw new InvalidInputException($"'{name}' is not a usable alias",
            name == Latest ? "'latest' always names the highest version" : "start with a letter; then letters, digits, '_' or '-', at most 63 characters");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ModelPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex AliasPattern();
}
