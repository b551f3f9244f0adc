using System.Diagnostics;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage.Git;

/// <summary>What git printed and returned.</summary>
internal sealed record GitResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the git command line for the few things libgit2 does not do as git does (staging a work tree into a
/// temporary index honours .gitignore, clean filters and stat caching exactly as <c>git add</c>). Part of the storage
/// port: only <see cref="GitRepository"/>, <see cref="GitWorkTree"/> and <see cref="GitSettings"/> call it.
/// </summary>
internal static class GitCli
{

    public static GitResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        // Never let git wait for a pager, a credential prompt or an editor.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_PAGER"] = "cat";
        if (environment is not null)
            foreach (var (key, value) in environment)
                info.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidInputException("git is not installed or not on PATH", "install git", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new GitResult(process.ExitCode, stdout, stderr.Result);
        }
    }

    /// <summary>Runs git and returns its standard output; a failure becomes <see cref="GitCommandException"/> with git's message.</summary>
    public static string Check(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var result = Run(workingDirectory, environment, args);
        if (result.ExitCode != 0)
            throw new GitCommandException(args, result.ExitCode, result.Stderr.Trim());
        return result.Stdout;
    }
}
