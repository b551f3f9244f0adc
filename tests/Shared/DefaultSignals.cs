namespace GitTrack.Tests.Shared;

/// <summary>
/// A command line that runs its command with the default action for the signals tests send. A process started in
/// the background by a shell (<c>nohup dotnet test ... &amp;</c>) inherits SIGINT and SIGQUIT ignored, and a shell
/// cannot trap or reset a signal ignored when it started; so a test whose child must die of, or trap, a signal
/// sets the defaults up itself (coreutils' <c>env --default-signal</c>) rather than trust how the suite was started.
/// </summary>
public static class DefaultSignals
{
    /// <summary><paramref name="command"/> behind <c>env --default-signal=HUP,INT,QUIT,TERM</c>.</summary>
    public static string[] For(params string[] command) => ["env", "--default-signal=HUP,INT,QUIT,TERM", .. command];
}
