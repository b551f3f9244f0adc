namespace GitTrack.Core.Listing;

/// <summary>
/// One field of a <see cref="RunComparison"/>: its name as a filter names it (<c>params.lr</c>,
/// <c>metrics."val/loss"</c>, <c>status</c>), its group (<c>run</c> for the run's own fields, <c>params</c>,
/// <c>metrics</c>, <c>tags</c>, <c>system</c> for system metrics), the key within the group (null for run fields),
/// whether it differs (<see cref="FieldDifference"/>) and one value per run, typed as recorded (null where the run
/// lacks it): text, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, or a <see cref="DateTimeOffset"/> for
/// <c>started</c>; <c>duration</c> is in seconds.
/// </summary>
public sealed record ComparisonRow(string Field, string Group, string? Key, bool Differs, IReadOnlyList<object?> Values);
