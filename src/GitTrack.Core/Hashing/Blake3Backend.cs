namespace GitTrack.Core.Hashing;

/// <summary>Which compression code hashes whole chunks; tests force each one, everyone else leaves it on Auto.</summary>
internal enum Blake3Backend
{
    /// <summary>The widest vectors the hardware accelerates.</summary>
    Auto = 0,
    Scalar = 1,
    Vector128 = 2,
    Vector256 = 3,
    Vector512 = 4,
}
