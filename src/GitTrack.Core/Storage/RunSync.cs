using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// Exchanges the runs branch with a git remote (<c>gittrack pull</c>, <c>push</c>, <c>sync</c>; docs/format.md,
/// "Sharing runs"), through git itself so every transport and credential helper git knows works and GitTrack stores
/// no credential. A pull fetches into the remote-tracking ref and merges (<see cref="RunStore.Merge"/>: never a
/// conflict, nothing checked out). A push pulls first when the remote moved, then updates the remote without force;
/// when another push won the race it pulls and tries again, so many machines pushing at once all get through.
/// </summary>
public static class RunSync
{
    /// <summary>What a pull did.</summary>
    public sealed record PullResult(string Remote, bool RemoteHasRuns, RunStore.MergeOutcome Merge);

    /// <summary>What a push did: whether anything was sent, how many attempts it took, and the pulls it made on the way.</summary>
    public sealed record PushResult(string Remote, bool Pushed, int Attempts, int RunsPulled);

    /// <summary>Most attempts a push makes before it gives up on a remote that keeps moving.</summary>
    public const int MaxPushAttempts = 60;

    /// <summary>The remote to use when none is named: the current branch's upstream remote, else <c>origin</c>.</summary>
    public static string DefaultRemote(RunStore store)
    {
        var remotes = Remotes(store);
        if (store.Git.UpstreamRemote() is { } upstream && remotes.Contains(upstream))
            return upstream;
        if (remotes.Contains("origin"))
            return "origin";
        throw new InvalidInputException(remotes.Count == 0 ? "this repository has no git remote to share runs with" : "there is no 'origin' remote and the current branch tracks none",
            remotes.Count == 0 ? "add one with 'git remote add origin URL'" : $"name one: {string.Join(", ", remotes)}");
    }

    public static PullResult Pull(RunStore store, string remote, bool interactive = false)
    {
        var hasRuns = Fetch(store, remote, interactive);
        var merge = store.Merge(remote);
        return new PullResult(remote, hasRuns, merge);
    }

    /// <summary>
    /// Pushes the local runs branch to <paramref name="remote"/>, pulling first when the remote has runs the local
    /// branch lacks. <paramref name="beforeUpdate"/> runs before each attempt to move the remote's branch (the
    /// artifacts of the runs about to be pushed are uploaded there, so a pushed run never lacks its files).
    /// </summary>
    public static PushResult Push(RunStore store, string remote, Action<RunStore>? beforeUpdate = null, bool interactive = false)
    {
        Remotes(store, remote);
        var pulled = 0;
        for (var attempt = 1; ; attempt++)
        {
            var pull = Pull(store, remote, interactive);
            pulled += pull.Merge.NewRuns;
            var local = store.TipId;
            if (local is null)
                return new PushResult(remote, false, attempt, pulled);
            if (store.Git.ResolveCommit(store.RemoteTrackingRef(remote)) == local)
                return new PushResult(remote, false, attempt, pulled);
            beforeUpdate?.Invoke(store);
            var result = store.Git.Git(Environment(interactive), "push", "--porcelain", "--no-verify", remote,
                $"{local}:{store.Branch.RefName}");
            if (result.ExitCode == 0)
            {
                // Record what the remote now holds, as a fetch would (git does it only for a configured refspec).
                store.Git.SetRef(store.RemoteTrackingRef(remote), local, $"gittrack: pushed to {remote}");
                return new PushResult(remote, true, attempt, pulled);
            }
            if (!IsRace(result) || attempt >= MaxPushAttempts)
                throw Failed("push", remote, result);
            // Another push got there first: merge and retry after a random wait whose window doubles with each loss
            // (binary exponential backoff, as Ethernet does), so many pushers spread out instead of colliding again.
            Thread.Sleep(BackoffMilliseconds(attempt));
        }
    }

    /// <summary>
    /// The wait after the <paramref name="attempt"/>th lost race: uniform in [0, 100 ms × 2^attempt), the window capped
    /// at 6.4 s.
    /// </summary>
    internal static int BackoffMilliseconds(int attempt) => Random.Shared.Next(0, 100 << Math.Clamp(attempt, 1, 6));

    /// <summary>Fetches the remote's runs branch into its remote-tracking ref; false when the remote has none yet.</summary>
    private static bool Fetch(RunStore store, string remote, bool interactive)
    {
        Remotes(store, remote);
        var result = store.Git.Git(Environment(interactive), "fetch", "--no-tags", "--quiet", "--no-write-fetch-head", remote,
            $"+{store.Branch.RefName}:{store.RemoteTrackingRef(remote)}");
        if (result.ExitCode == 0)
            return true;
        if (result.Stderr.Contains("couldn't find remote ref", StringComparison.OrdinalIgnoreCase))
            return false;
        throw Failed("fetch", remote, result);
    }

    private static bool IsRace(GitResult result)
    {
        var text = result.Stdout + result.Stderr;
        return text.Contains("[rejected]", StringComparison.Ordinal)
            || text.Contains("fetch first", StringComparison.Ordinal)
            || text.Contains("non-fast-forward", StringComparison.Ordinal)
            || text.Contains("cannot lock ref", StringComparison.Ordinal)
            || text.Contains("failed to update ref", StringComparison.Ordinal)
            || text.Contains("incorrect old value", StringComparison.Ordinal);
    }

    private static IOFaultException Failed(string what, string remote, GitResult result)
    {
        var lines = (result.Stderr + "\n" + result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("To ", StringComparison.Ordinal) && l != "Done").ToArray();
        var why = lines.FirstOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith('!'))
            ?? lines.FirstOrDefault() ?? $"git exited with {result.ExitCode}";
        return new IOFaultException(IOFault.Other, $"git {what} {remote} failed: {why}",
            "check the remote's URL ('git remote -v') and your access to it; git's own credentials are used");
    }

    private static IReadOnlyDictionary<string, string> Environment(bool interactive) => new Dictionary<string, string>
    {
        // Never wait on a prompt nobody can answer; a user at a terminal may be asked by git's credential helpers.
        ["GIT_TERMINAL_PROMPT"] = interactive ? "1" : "0",
    };

    private static IReadOnlySet<string> Remotes(RunStore store, string? mustHave = null)
    {
        var result = store.Git.Git("remote");
        var remotes = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (mustHave is not null && !remotes.Contains(mustHave))
            throw new InvalidInputException($"no git remote named '{mustHave}'",
                remotes.Count == 0 ? "add one with 'git remote add NAME URL'" : $"use one of: {string.Join(", ", remotes.Order(StringComparer.Ordinal))}, or add it with 'git remote add {mustHave} URL'");
        return remotes;
    }
}
