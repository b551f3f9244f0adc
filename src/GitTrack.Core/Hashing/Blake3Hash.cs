using System.Buffers.Binary;

namespace GitTrack.Core.Hashing;

/// <summary>
/// A 32-byte BLAKE3 digest: the key of every object in the artifact cache, printed as 64 lowercase hex digits.
/// </summary>
public readonly struct Blake3Hash : IEquatable<Blake3Hash>
{
    /// <summary>Length of a digest in bytes.</summary>
    public const int Length = 32;

    private readonly ulong _a, _b, _c, _d;

    public Blake3Hash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a BLAKE3 hash is {Length} bytes, got {bytes.Length}", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>Writes the 32 digest bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The 64 lowercase hex digits, as b3sum prints them.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Parses exactly 64 hex digits (either case).</summary>
    public static Blake3Hash Parse(string hex) =>
        TryParse(hex, out var hash) ? hash : throw new FormatException($"not a BLAKE3 hash (64 hex digits): '{hex}'");

    public static bool TryParse(ReadOnlySpan<char> hex, out Blake3Hash hash)
    {
        hash = default;
        if (hex.Length != Length * 2)
            return false;
        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Length)
            return false;
        hash = new Blake3Hash(bytes);
        return true;
    }

    public bool Equals(Blake3Hash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is Blake3Hash other && Equals(other);
    public override int GetHashCode() => (int)_a;
    public static bool operator ==(Blake3Hash left, Blake3Hash right) => left.Equals(right);
    public static bool operator !=(Blake3Hash left, Blake3Hash right) => !left.Equals(right);
}
