namespace GitTrack.Core.Runs;

/// <summary>
/// Something that lives beside a run <c>gittrack run</c> records (the MLflow tracking server of
/// <c>gittrack run --mlflow</c>): told when the run has begun, before its command starts, and once the command has
/// exited, before the run is ended, so it can finish what it records into the run.
/// </summary>
public interface IRunCompanion
{
    void Begun(RunSession session);

    /// <summary>The command exited with <paramref name="status"/>; the run ends when this completes.</summary>
    Task EndingAsync(RunStatus status);
}
