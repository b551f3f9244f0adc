using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Packages;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

// Package environments on the runs branch (docs/format.md "Environments"): environments/<2 hex>/<key>.toml, named by
// the BLAKE3 hash of their content, so a path always holds the same bytes. Written in a run's first commit when the
// branch does not have it yet; two clones that add the same environment add the same blob at the same path, which
// RunsBranchMerge's union (and git's own merge) takes without a clash.
public sealed partial class RunStore
{
    /// <summary>The tree edit adding <paramref name="environment"/>, or null when the tip has it already.</summary>
    private TreeEdit? EnvironmentEdit(string tip, PackageSet environment)
    {
        var path = PackageSet.PathOf(environment.Key.ToString());
        if (_git.EntryAt(_git.ReadCommit(tip).Tree, path) is not null)
            return null;
        return TreeEdit.Blob(path, _git.WriteBlob(environment.Bytes));
    }

    /// <summary>
    /// The environment with <paramref name="key"/> from the local branch or a remote-tracking copy, verified
    /// (<see cref="PackageSet.Read"/>); null when no copy has it (a run recorded before environments existed, or a
    /// branch that was cut short).
    /// </summary>
    public PackageSet? ReadEnvironment(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 64 || !key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            throw new InvalidInputException($"'{key}' is not an environment key", "give 64 lowercase hex digits");
        var path = PackageSet.PathOf(key);
        foreach (var source in Sources())
        {
            if (TipOf(source) is not { } tip || _git.EntryAt(_git.ReadCommit(tip).Tree, path) is not { } entry)
                continue;
            if (entry.Kind != GitEntryKind.Blob || _git.BlobSize(entry.Id) > PackageSet.MaxBytes)
                throw new CorruptDataException($"{Branch.Name}:{path} is not a file of at most {PackageSet.MaxBytes >> 20} MiB",
                    "the runs branch was written by another tool or damaged; check it with 'git fsck'");
            return PackageSet.Read(_git.ReadBlob(entry.Id, PackageSet.MaxBytes, path), key);
        }
        return null;
    }
}
