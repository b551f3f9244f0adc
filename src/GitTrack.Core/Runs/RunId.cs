using System.Buffers.Binary;
using System.Security.Cryptography;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Runs;

/// <summary>
/// A run's id: 24 lowercase hex digits, 64 random bits (16 hex) then the start time in Unix seconds (8 hex).
/// Random first, so that any 4+ digit prefix tells runs apart and the branch shards evenly on the first two digits;
/// unique across machines without coordination (a collision needs ~4 billion runs).
/// </summary>
public readonly record struct RunId
{
    public const int Length = 24;
    /// <summary>How many leading digits commands show (<c>a1b2c3d4</c>).</summary>
    public const int ShortLength = 8;

    private RunId(string value) => Value = value;

    public string Value { get; }

    public string Short => Value[..ShortLength];

    public static RunId New(DateTimeOffset startedAt)
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes[..8]);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], (uint)Math.Clamp(startedAt.ToUnixTimeSeconds(), 0, uint.MaxValue));
        return new RunId(Convert.ToHexStringLower(bytes));
    }

    public static bool IsValid(string? value) =>
        value is { Length: Length } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static bool TryParse(string? value, out RunId id)
    {
        id = IsValid(value) ? new RunId(value!) : default;
        return id.Value is not null;
    }

    public static RunId Parse(string value) => TryParse(value, out var id) ? id
        : throw new InvalidInputException($"'{value}' is not a run id (24 lowercase hex digits)", "see 'gittrack ls' for run ids");

    public override string ToString() => Value;
}
