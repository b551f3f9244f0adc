namespace GitTrack.Core.Import.Mlflow;

/// <summary>A piece of the store that was not imported: its path relative to the store, and why.</summary>
public sealed record ImportProblem(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
