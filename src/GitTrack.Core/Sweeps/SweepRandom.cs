namespace GitTrack.Core.Sweeps;

/// <summary>
/// The random numbers of a random search: SplitMix64 (Steele, Lea and Flood, 2014), written out here so that a
/// seed gives the same trials on every machine and every .NET version (System.Random's seeded sequence is not
/// promised to stay the same). Doubles take the top 53 bits; indices are drawn without modulo bias.
/// </summary>
public sealed class SweepRandom
{
    private ulong _state;

    public SweepRandom(long seed) => _state = unchecked((ulong)seed);

    public ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An index in [0, <paramref name="count"/>), each equally likely.</summary>
    public long NextIndex(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var n = (ulong)count;
        // Rejects the top partial block of 2^64 so every index has the same number of draws behind it.
        var limit = ulong.MaxValue - ulong.MaxValue % n;
        ulong x;
        do
            x = NextUInt64();
        while (x >= limit);
        return (long)(x % n);
    }
}
