namespace GitTrack.Core.Sweeps;

/// <summary>One trial of a sweep: its number (1-based, the <c>trial</c> tag) and the params it runs with.</summary>
public sealed record TrialPlan(int Number, IReadOnlyDictionary<string, object> Params);
