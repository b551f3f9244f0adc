using GitTrack.Core.Runs;
using GitTrack.Web.Mlflow;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack run --mlflow</c> (or git config <c>gittrack.mlflow true</c>): starts the MLflow server beside the run and
/// points the command's MLflow client at it through <c>MLFLOW_TRACKING_URI</c>, never over one the user set unless
/// <c>--mlflow-override</c>. The variable is set in gittrack's own environment once the run's environment has been
/// recorded, so the command inherits it and the run does not record a port that will be gone.
/// </summary>
internal sealed class MlflowCompanion(MlflowServer server, bool setUri) : IRunCompanion, IAsyncDisposable
{
    public const string UriVariable = "MLFLOW_TRACKING_URI";

    public static MlflowCompanion? Start(CommandContext context, bool flag, bool overrideUri, bool hasCommand)
    {
        if (!hasCommand)
            return null;
        if (!flag && !MlflowServer.IsConfigured(context.WorkingDirectory))
            return null;
        var existing = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrEmpty(existing) && !overrideUri)
        {
            context.Error.WriteLine($"gittrack: warning: {UriVariable} is already set ({ImportCommand.Printable(existing)}): the command's MLflow client logs there, not into this run (--mlflow-override logs here)");
            return null;
        }
        var server = MlflowServer.StartAsync(context.WorkingDirectory, message => context.Error.WriteLine($"gittrack: warning: {message}"))
            .GetAwaiter().GetResult();
        return new MlflowCompanion(server, setUri: true);
    }

    public void Begun(RunSession session)
    {
        server.Begun(session);
        if (setUri)
            Environment.SetEnvironmentVariable(UriVariable, server.Url.ToString().TrimEnd('/'));
    }

    public Task EndingAsync(RunStatus status) => server.EndingAsync(status);

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
