using GitTrack.Core.Runs;
using GitTrack.Web.Mlflow;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack run --mlflow</c> (or git config <c>gittrack.mlflow true</c>): starts the MLflow server beside the run and
/// points the command's MLflow client at it through <c>MLFLOW_TRACKING_URI</c>, never over one the user set unless
/// <c>--mlflow-override</c>. Both happen once the run has begun, before its command starts: the git config setting
/// is read with the recorder's other settings (a run without MLflow waits for no extra process), and the variable, set in gittrack's own
/// environment after the run's environment was recorded, reaches the command without being recorded (its port is
/// gone after the run).
/// </summary>
internal sealed class MlflowCompanion : IRunCompanion, IAsyncDisposable
{
    public const string UriVariable = "MLFLOW_TRACKING_URI";

    private readonly CommandContext _context;
    private readonly bool _enabled;
    private readonly bool _overrideUri;
    private MlflowServer? _server;

    private MlflowCompanion(CommandContext context, bool enabled, bool overrideUri)
    {
        _context = context;
        _enabled = enabled;
        _overrideUri = overrideUri;
    }

    /// <summary>The companion of one <c>gittrack run</c>, or null when there is no command to run.</summary>
    public static MlflowCompanion? For(CommandContext context, bool flag, bool overrideUri, bool hasCommand) =>
        hasCommand ? new MlflowCompanion(context, flag, overrideUri) : null;

    public void Begun(RunSession session)
    {
        // The setting comes with the others the recorder read before the command (one git process for all).
        var enabled = _enabled || session.Settings.Last("gittrack.mlflow")?.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1";
        if (!enabled)
            return;
        var existing = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrEmpty(existing) && !_overrideUri)
        {
            _context.Error.WriteLine($"gittrack: warning: {UriVariable} is already set ({ImportCommand.Printable(existing)}): the command's MLflow client logs there, not into this run (--mlflow-override logs here)");
            return;
        }
        try
        {
            _server = MlflowServer.StartAsync(_context.WorkingDirectory, message => _context.Error.WriteLine(ErrorReporter.Warning(message))).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Core.Errors.GitTrackException or IOException)
        {
            // The run has begun and must end as recorded: the command runs, without the server.
            _context.Error.WriteLine(ErrorReporter.Warning($"the MLflow server could not start ({e.Message}); the command runs without it"));
            return;
        }
        _server.Begun(session);
        Environment.SetEnvironmentVariable(UriVariable, _server.Url.ToString().TrimEnd('/'));
    }

    public Task EndingAsync(RunStatus status) => _server?.EndingAsync(status) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
