using GitTrack.Core.Errors;
using LibGit2Sharp;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// The one way into git (as git-bug's <c>repository.ClockedRepo</c>): references, objects, and the few things done by
/// the <c>git</c> command line (fetch, push, diffs, worktrees, configuration). Everything else in GitTrack talks to
/// git through this type; it hands out plain records (<see cref="GitTreeEntry"/>, <see cref="GitCommit"/>, object ids
/// as hex strings) and turns every libgit2 failure into a GitTrack error once, here (<see cref="GitErrors"/>).
/// libgit2 objects are not thread-safe: one instance serves one thread at a time, except
/// <see cref="ReadBlobs"/>, which reads side by side through repositories of its own.
/// </summary>
public sealed partial class GitRepository : IDisposable
{
    private readonly Repository _repository;
    // Asked of git once, on a pool thread, the first time a commit needs it (a git process costs milliseconds).
    private Lazy<Task<(string Name, string Email)?>> _identity;

    private GitRepository(GitDirectories directories, Repository repository)
    {
        Directories = directories;
        _repository = repository;
        _identity = new(() => Task.Run(() => GitSettings.Identity(directories)));
    }

    /// <summary>Where the repository is.</summary>
    public GitDirectories Directories { get; }

    /// <summary>The empty tree's id (the same in every repository).</summary>
    public const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    public static GitRepository Open(GitDirectories directories)
    {
        try
        {
            return new GitRepository(directories, new Repository(directories.GitDir));
        }
        catch (RepositoryNotFoundException e)
        {
            throw new InvalidInputException($"not a git repository: {directories.GitDir} ({e.Message})", "run gittrack inside a git repository");
        }
        catch (Exception e) when (e is LibGit2SharpException or IOException)
        {
            throw GitErrors.Translate(e) ?? e;
        }
    }

    /// <summary>Starts asking git for the identity commits are signed with, so the first commit need not wait.</summary>
    public void PrepareToCommit() => _ = _identity.Value;

    /// <summary>
    /// As <see cref="PrepareToCommit()"/>, with the identity already read from git's settings
    /// (<see cref="RecorderSettings.Identity"/>): git is asked only when that is null.
    /// </summary>
    public void PrepareToCommit((string Name, string Email)? known)
    {
        if (known is not null && !_identity.IsValueCreated)
            _identity = new(Task.FromResult(known));
        PrepareToCommit();
    }

    // ----- references -----

    /// <summary>
    /// The commit a reference points at (following symbolic references), or null when the reference does not exist.
    /// A reference to something that is not a commit, or to an object that is missing, is corrupt data.
    /// </summary>
    public string? ResolveCommit(string refName) => Guard($"reading {refName}", () =>
    {
        var reference = _repository.Refs[refName];
        if (reference?.ResolveToDirectReference() is not { } direct)
            return null;
        var target = direct.TargetIdentifier;
        var header = _repository.ObjectDatabase.Contains(new ObjectId(target)) ? _repository.ObjectDatabase.RetrieveObjectMetadata(new ObjectId(target)) : null;
        if (header is null)
            throw new MissingTipException(refName, target);
        if (_repository.Lookup<Commit>(target) is null)
            throw new CorruptDataException($"{refName} does not point at a commit", "check it with 'git show-ref'");
        return target;
    });

    /// <summary>Every reference whose full name starts with <paramref name="prefix"/>, with the object it points at.</summary>
    public IReadOnlyList<(string Name, string Target)> ListRefs(string prefix) => Guard("listing references", () =>
        (IReadOnlyList<(string, string)>)[.. _repository.Refs.FromGlob(prefix + "*")
            .Select(r => r.ResolveToDirectReference() is { } d ? (r.CanonicalName, d.TargetIdentifier) : (r.CanonicalName, ""))
            .Where(r => r.Item2.Length > 0)
            .OrderBy(r => r.Item1, StringComparer.Ordinal)]);

    /// <summary>
    /// Points <paramref name="refName"/> at <paramref name="commit"/>. Not a compare-and-swap: callers hold the runs lock
    /// (<see cref="RunsLock"/>) from reading the old value to here. git itself (packing refs, a fetch) may hold the
    /// ref's own lock file for a moment, so a locked ref is retried briefly.
    /// </summary>
    public void SetRef(string refName, string commit, string logMessage) => Guard($"updating {refName}", () =>
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _repository.Refs.Add(refName, new ObjectId(commit), logMessage, allowOverwrite: true);
                return 0;
            }
            catch (LockedFileException) when (attempt < 50)
            {
                Thread.Sleep(20 + Random.Shared.Next(20));
            }
        }
    });

    /// <summary>The commits a reference pointed at, newest first, from its reflog (empty when it has none).</summary>
    public IReadOnlyList<string> ReflogTargets(string refName) => Guard($"reading the reflog of {refName}", () =>
        (IReadOnlyList<string>)[.. _repository.Refs.Log(refName).Select(e => e.To.Sha)]);

    /// <summary>HEAD's commit and that commit's tree, or null when HEAD has no commit yet (libgit2: no process).</summary>
    public (string Commit, string Tree)? HeadCommitAndTree() => Guard("reading HEAD", () =>
        _repository.Head?.Tip is { } tip ? (tip.Sha, tip.Tree.Sha) : ((string, string)?)null);

    /// <summary>The remote the checked-out branch tracks (<c>branch.&lt;name&gt;.remote</c>), or null.</summary>
    public string? UpstreamRemote() => Guard("reading the current branch", () =>
    {
        var head = _repository.Head;
        return head is null || head.Reference is not SymbolicReference ? null : head.RemoteName;
    });

    /// <summary>A configuration value as libgit2 reads git's config files (no process), or null when unset.</summary>
    public string? ConfigValue(string key) => Guard($"reading {key}", () => _repository.Config.Get<string>(key)?.Value);

    // ----- objects -----

    public bool Contains(string id) => Guard("looking up an object", () => _repository.ObjectDatabase.Contains(new ObjectId(id)));

    public GitCommit ReadCommit(string id) => Guard($"reading commit {Short(id)}", () =>
    {
        var commit = _repository.Lookup<Commit>(id) ?? throw MissingObject(id);
        return new GitCommit(commit.Sha, commit.Tree.Sha, [.. commit.Parents.Select(p => p.Sha)], commit.Message, commit.Committer.When);
    });

    /// <summary>The entries of a tree, in git's order.</summary>
    public IReadOnlyList<GitTreeEntry> ReadTree(string treeId) => Guard($"reading tree {Short(treeId)}", () =>
    {
        var tree = _repository.Lookup<Tree>(treeId) ?? throw MissingObject(treeId);
        var entries = new GitTreeEntry[tree.Count];
        var i = 0;
        foreach (var entry in tree)
            entries[i++] = Entry(entry);
        return (IReadOnlyList<GitTreeEntry>)entries;
    });

    /// <summary>The entry at a slash-separated <paramref name="path"/> inside a tree, or null.</summary>
    public GitTreeEntry? EntryAt(string treeId, string path) => Guard($"reading tree {Short(treeId)}", () =>
    {
        var tree = _repository.Lookup<Tree>(treeId) ?? throw MissingObject(treeId);
        return tree[path] is { } entry ? Entry(entry) : null;
    });

    private static GitTreeEntry Entry(TreeEntry entry) => new(entry.Name, entry.Mode switch
    {
        Mode.Directory => GitEntryKind.Tree,
        Mode.SymbolicLink => GitEntryKind.Link,
        Mode.GitLink => GitEntryKind.GitLink,
        _ => GitEntryKind.Blob,
    }, entry.Target.Sha, entry.Mode == Mode.ExecutableFile);

    /// <summary>The size of a blob in bytes.</summary>
    public long BlobSize(string id) => Guard($"reading blob {Short(id)}", () =>
        _repository.ObjectDatabase.RetrieveObjectMetadata(new ObjectId(id)).Size);

    /// <summary>
    /// A blob's bytes; a blob larger than <paramref name="maxBytes"/> is refused before it is read (everything on the
    /// runs branch may come from a hostile push, and a 4 GB "manifest" must not take the machine's memory).
    /// </summary>
    public byte[] ReadBlob(string id, long maxBytes, string what) => Guard($"reading {what}", () =>
    {
        var blob = _repository.Lookup<Blob>(id) ?? throw MissingObject(id);
        if (blob.Size > maxBytes)
            throw new CorruptDataException($"{what} is {blob.Size} bytes, more than the {maxBytes} allowed", "the runs branch was written by another tool or damaged");
        var bytes = new byte[blob.Size];
        using var stream = blob.GetContentStream();
        stream.ReadExactly(bytes);
        return bytes;
    });

    /// <summary>
    /// Several blobs' bytes, read side by side by up to <paramref name="threads"/> threads, each through a
    /// repository of its own (libgit2 objects stay on one thread). Returns them in the order asked.
    /// </summary>
    public byte[][] ReadBlobs(IReadOnlyList<string> ids, int threads, string what)
    {
        var result = new byte[ids.Count][];
        threads = Math.Max(1, Math.Min(threads, ids.Count));
        if (threads == 1)
        {
            for (var i = 0; i < ids.Count; i++)
                result[i] = ReadBlob(ids[i], int.MaxValue - 64, what);
            return result;
        }
        var next = -1;
        var failures = new List<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                using var repository = t == 0 ? null : new Repository(Directories.GitDir);
                for (var i = Interlocked.Increment(ref next); i < ids.Count; i = Interlocked.Increment(ref next))
                {
                    if (repository is null)
                    {
                        result[i] = ReadBlob(ids[i], int.MaxValue - 64, what);
                        continue;
                    }
                    var blob = repository.Lookup<Blob>(ids[i]) ?? throw GitErrors.MissingObject(ids[i]);
                    var bytes = new byte[blob.Size];
                    using var stream = blob.GetContentStream();
                    stream.ReadExactly(bytes);
                    result[i] = bytes;
                }
            }
            catch (Exception e)
            {
                lock (failures)
                    failures.Add(e);
            }
        })).ToArray();
        // The calling thread is one of the workers (its repository is this one's).
        foreach (var worker in workers.Skip(1))
            worker.Start();
        workers[0].Start();
        foreach (var worker in workers)
            worker.Join();
        if (failures.Count > 0)
            throw GitErrors.Translate(failures[0]) ?? failures[0];
        return result;
    }

    public string WriteBlob(ReadOnlySpan<byte> content)
    {
        var copy = content.ToArray();
        // Straight into the object database (git_odb_write); CreateBlob(Stream) would spool the bytes to a temporary file first.
        return Guard("writing a blob", () => _repository.ObjectDatabase.Write<Blob>(copy).Sha);
    }

    /// <summary>
    /// Writes the tree <paramref name="baseTree"/> (null: the empty tree) with <paramref name="edits"/> applied and
    /// returns its id. Only the trees on the edited paths are loaded and rewritten, so a change to one run of 100,000
    /// rewrites a handful of small trees.
    /// </summary>
    public string WriteTree(string? baseTree, IEnumerable<TreeEdit> edits) => Guard("writing a tree", () =>
    {
        var definition = baseTree is null || baseTree == EmptyTree
            ? new TreeDefinition()
            : TreeDefinition.From(_repository.Lookup<Tree>(baseTree) ?? throw MissingObject(baseTree));
        foreach (var edit in edits)
        {
            if (edit.Id is null)
                definition.Remove(edit.Path);
            else if (edit.Kind == GitEntryKind.Tree)
                // libgit2 takes a folder only as a tree object, not as an id with a mode.
                definition.Add(edit.Path, _repository.Lookup<Tree>(edit.Id) ?? throw MissingObject(edit.Id!));
            else if (edit.Kind == GitEntryKind.GitLink)
                definition.AddGitLink(edit.Path, new ObjectId(edit.Id));
            else
                definition.Add(edit.Path, new ObjectId(edit.Id), edit.Kind == GitEntryKind.Link ? Mode.SymbolicLink
                    : edit.Executable ? Mode.ExecutableFile : Mode.NonExecutableFile);
        }
        return _repository.ObjectDatabase.CreateTree(definition).Sha;
    });

    /// <summary>
    /// Writes a commit of <paramref name="tree"/> on <paramref name="parents"/>, signed with the identity git itself
    /// would commit with here (<c>git var GIT_COMMITTER_IDENT</c>), else <c>gittrack &lt;gittrack@localhost&gt;</c>.
    /// </summary>
    public string WriteCommit(string tree, IReadOnlyList<string> parents, string message, DateTimeOffset? when = null, bool asGittrack = false)
    {
        var identity = asGittrack ? null : _identity.Value.GetAwaiter().GetResult();
        return Guard("writing a commit", () =>
        {
            var now = when ?? DateTimeOffset.Now;
            var signature = identity is var (name, email) ? new Signature(name, email, now) : new Signature("gittrack", "gittrack@localhost", now);
            var treeObject = _repository.Lookup<Tree>(tree) ?? throw MissingObject(tree);
            var parentCommits = parents.Select(p => _repository.Lookup<Commit>(p) ?? throw MissingObject(p)).ToArray();
            return _repository.ObjectDatabase.CreateCommit(signature, signature, message, treeObject, parentCommits, prettifyMessage: false).Sha;
        });
    }

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    public bool IsAncestor(string ancestor, string descendant) => Guard("comparing histories", () =>
    {
        if (ancestor == descendant)
            return true;
        var a = _repository.Lookup<Commit>(ancestor);
        var d = _repository.Lookup<Commit>(descendant);
        if (a is null || d is null)
            return false;
        return _repository.ObjectDatabase.FindMergeBase(a, d)?.Sha == ancestor;
    });

    // ----- the git command line -----

    /// <summary>Runs <c>git</c> in the work tree with this repository's GIT_DIR; what it printed and returned.</summary>
    internal GitResult Git(params string[] args) => GitCli.Run(Directories.WorkTree, Environment(), args);

    /// <summary>Runs <c>git</c> with extra environment variables laid over this repository's.</summary>
    internal GitResult Git(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var merged = Environment();
        foreach (var (key, value) in environment)
            merged[key] = value;
        return GitCli.Run(Directories.WorkTree, merged, args);
    }

    private Dictionary<string, string> Environment() => EnvironmentFor(Directories);

    // What is being done is named at each call for readers of the code; the error names the file or object itself.
    private T Guard<T>(string doing, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is LibGit2SharpException or IOException or UnauthorizedAccessException)
        {
            throw GitErrors.Translate(e) ?? e;
        }
    }

    /// <summary>
    /// A missing object, or (when the id names something of another type) a wrong one: both are damage git fsck reports.
    /// </summary>
    private CorruptDataException MissingObject(string id) =>
        _repository.ObjectDatabase.Contains(new ObjectId(id))
            ? new CorruptDataException($"git object {id} is not of the type expected here", "the runs branch was written by another tool or damaged; check it with 'git fsck'")
            : GitErrors.MissingObject(id);

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    public void Dispose() => _repository.Dispose();
}

/// <summary>
/// A branch points at a commit that is not in the repository: most often <c>git gc --prune=now</c> ran while a run
/// was being committed (git documents that as unsafe), and the commit written was pruned before the branch moved.
/// </summary>
public sealed class MissingTipException(string refName, string commit)
    : GitTrackException($"{refName} points at commit {commit[..Math.Min(12, commit.Length)]}, which is not in the repository",
        $"the last good tip is in its reflog: 'git reflog show {refName}', then 'git update-ref {refName} <commit>'")
{
    public string RefName { get; } = refName;
    public string Commit { get; } = commit;
}
