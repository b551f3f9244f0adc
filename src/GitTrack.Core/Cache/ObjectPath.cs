using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache;

/// <summary>
/// The one place that names a cache object on disk: <c>&lt;objects&gt;/&lt;first 2 hex&gt;/&lt;remaining 62 hex&gt;</c>,
/// and parses such a path back into a key. Temporary files live in <c>&lt;objects&gt;/tmp/</c>, which never parses.
/// </summary>
internal static class ObjectPath
{
    /// <summary>Name of the folder (inside the objects folder) where writes are staged before the rename.</summary>
    public const string TempFolderName = "tmp";

    /// <summary>The path of the object for <paramref name="key"/> under <paramref name="objectsRoot"/>.</summary>
    public static string Of(string objectsRoot, Blake3Hash key)
    {
        var hex = key.ToString();
        return Path.Combine(objectsRoot, hex[..2], hex[2..]);
    }

    /// <summary>The key named by a two-hex folder name and a 62-hex file name, or null when they name no object.</summary>
    public static Blake3Hash? TryParse(string folderName, string fileName)
    {
        if (folderName.Length != 2 || fileName.Length != 62 || !IsLowerHex(folderName) || !IsLowerHex(fileName))
            return null;
        return Blake3Hash.TryParse(folderName + fileName, out var key) ? key : null;
    }

    internal static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        return true;
    }
}
