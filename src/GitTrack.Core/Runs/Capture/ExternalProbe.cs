using System.Diagnostics;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Runs a small command that reports something about the machine (<c>nvidia-smi</c>, <c>python3 --version</c>)
/// with a time limit. Never throws: a missing program, a failure or a timeout all give null.
/// </summary>
internal static class ExternalProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The probe's stdout (stderr appended, some tools print versions there), or null.</summary>
    public static async Task<string?> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var path = ExecutableLookup.Find(program, Environment.GetEnvironmentVariable("PATH"), Environment.CurrentDirectory);
        if (path is null)
            return null;
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Never let a probe read the terminal the tracked command is using.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        Process? process = null;
        try
        {
            process = Process.Start(info);
            if (process is null)
                return null;
            process.StandardInput.Close();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            return process.ExitCode == 0 ? output + errors : null;
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            try
            {
                if (process is { HasExited: false })
                    process.Kill(entireProcessTree: true);
            }
            catch (Exception killError) when (killError is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
            return null;
        }
        finally
        {
            process?.Dispose();
        }
    }
}
