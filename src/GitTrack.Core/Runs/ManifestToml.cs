using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;
using Tomlyn;
using Tomlyn.Model;

namespace GitTrack.Core.Runs;

/// <summary>
/// A run's manifest (<c>manifest.toml</c>, docs/format.md "Runs branch") to and from a <see cref="RunRecord"/>.
/// Writing is deterministic: fixed field order, sorted keys, absent values left out. Reading treats the text as
/// coming from a stranger: the schema must be known, required fields present and typed, the id well-formed and
/// every path confined to the work tree; anything else is a <see cref="CorruptDataException"/> naming the run.
/// </summary>
public static class ManifestToml
{
    public static string Write(RunRecord run)
    {
        var sb = new StringBuilder(2048);
        void Line(string key, string value) => sb.Append(TomlText.Key(key)).Append(" = ").Append(value).Append('\n');

        Line("schema", TomlText.Integer(RunRecord.SchemaVersion));
        Line("id", TomlText.String(run.Id));
        Line("name", TomlText.String(run.Name));
        Line("status", TomlText.String(StatusText(run.Status)));
        Line("revision", TomlText.Integer(Math.Max(1, run.Revision)));
        if (run.ExitCode is { } exitCode) Line("exit_code", TomlText.Integer(exitCode));
        if (run.Error is { } error) Line("error", TomlText.String(error));
        Line("started_at", TomlText.DateTime(run.StartedAt));
        if (run.EndedAt is { } ended) Line("ended_at", TomlText.DateTime(ended));
        Line("command", "[" + string.Join(", ", run.Command.Select(TomlText.String)) + "]");
        Line("working_directory", TomlText.String(run.WorkingDirectory));
        if (run.Note is { } note) Line("note", TomlText.String(note));
        if (run.Parent is { } parent) Line("parent", TomlText.String(parent));
        if (run.Reproduces is { } reproduces) Line("reproduces", TomlText.String(reproduces));

        sb.Append("\n[source]\n");
        Line("commit", TomlText.String(run.Source.Commit));
        if (run.Source.Branch is { } branch) Line("branch", TomlText.String(branch));
        if (run.Source.Remote is { } remote) Line("remote", TomlText.String(remote));
        Line("dirty", TomlText.Bool(run.Source.Dirty));
        Line("tree", TomlText.String(run.Source.Tree));
        Line("skipped", "[" + string.Join(", ", run.Source.SkippedFiles.Select(TomlText.String)) + "]");

        if (run.Process is { } process)
        {
            sb.Append("\n[process]\n");
            Line("pid", TomlText.Integer(process.Pid));
            Line("host", TomlText.String(process.Host));
            if (process.BootId is { } bootId) Line("boot_id", TomlText.String(bootId));
        }

        if (run.Host is { } host)
        {
            sb.Append("\n[host]\n");
            if (host.Hostname is { } hostname) Line("hostname", TomlText.String(hostname));
            if (host.Os is { } os) Line("os", TomlText.String(os));
            if (host.Kernel is { } kernel) Line("kernel", TomlText.String(kernel));
            if (host.Arch is { } arch) Line("arch", TomlText.String(arch));
            if (host.Cpu is { } cpu) Line("cpu", TomlText.String(cpu));
            Line("cores", TomlText.Integer(host.Cores));
            Line("memory_bytes", TomlText.Integer(host.MemoryBytes));
            foreach (var gpu in host.Gpus)
            {
                sb.Append("\n[[host.gpus]]\n");
                Line("name", TomlText.String(gpu.Name));
                Line("memory_mib", TomlText.Integer(gpu.MemoryMiB));
                if (gpu.Driver is { } driver) Line("driver", TomlText.String(driver));
                if (gpu.Uuid is { } uuid) Line("uuid", TomlText.String(uuid));
            }
        }

        Table(sb, "runtimes", run.Runtimes.ToDictionary(p => p.Key, p => TomlText.String(p.Value)));
        Table(sb, "env", run.Environment.ToDictionary(p => p.Key, p => TomlText.String(p.Value)));
        Table(sb, "params", run.Params.ToDictionary(p => p.Key, p => TomlText.Value(p.Value)));
        Table(sb, "metrics", run.Metrics.ToDictionary(p => p.Key, p => TomlText.Float(p.Value)));
        Table(sb, "tags", run.Tags.ToDictionary(p => p.Key, p => TomlText.String(p.Value)));

        foreach (var artifact in run.Artifacts.OrderBy(a => a.Path, CodePointOrder.Instance))
        {
            sb.Append("\n[[artifacts]]\n");
            Artifact(artifact);
        }
        if (run.Log is { } log)
        {
            sb.Append("\n[log]\n");
            Artifact(log);
        }
        if (run.Origin is { } origin)
        {
            sb.Append("\n[origin]\n");
            Line("source", TomlText.String(origin.Source));
            Line("id", TomlText.String(origin.Id));
        }
        if (run.Packages is { } packages)
        {
            sb.Append("\n[environment]\n");
            if (packages.Key is { } key) Line("packages", TomlText.String(key));
            Line("count", TomlText.Integer(packages.Count));
            Line("sources", "[" + string.Join(", ", packages.Sources.Select(TomlText.String)) + "]");
            Line("lock_files", "[" + string.Join(", ", packages.LockFiles.Select(TomlText.String)) + "]");
        }
        foreach (var input in run.Inputs.OrderBy(i => i.Path, CodePointOrder.Instance))
        {
            sb.Append("\n[[inputs]]\n");
            Line("path", TomlText.String(input.Path));
            Line("blake3", TomlText.String(input.Key.ToString()));
            Line("size", TomlText.Integer(input.Size));
            Line("kind", TomlText.String(input.IsFolder ? "folder" : "file"));
            if (input.IsFolder) Line("files", TomlText.Integer(input.Files));
            if (input.Stored) Line("stored", TomlText.Bool(true));
        }
        return sb.ToString();

        void Artifact(ArtifactEntry entry)
        {
            Line("path", TomlText.String(entry.Path));
            Line("blake3", TomlText.String(entry.Key.ToString()));
            Line("size", TomlText.Integer(entry.Size));
        }
    }

    private static void Table(StringBuilder sb, string name, Dictionary<string, string> values)
    {
        // Always written, even empty, so a reader finds every table the schema names.
        sb.Append('\n').Append('[').Append(name).Append("]\n");
        foreach (var (key, value) in values.OrderBy(p => p.Key, CodePointOrder.Instance))
            sb.Append(TomlText.Key(key)).Append(" = ").Append(value).Append('\n');
    }

    public static string StatusText(RunStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Parses and validates a manifest; <paramref name="where"/> names the run in error messages.</summary>
    public static RunRecord Read(string text, string where)
    {
        TomlTable root;
        try
        {
            root = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            throw Corrupt(where, $"manifest is not valid TOML: {FirstLine(e.Message)}", e);
        }
        try
        {
            return Parse(root, where);
        }
        catch (InvalidCastException e)
        {
            throw Corrupt(where, $"manifest has a field of the wrong type: {e.Message}", e);
        }
    }

    private static RunRecord Parse(TomlTable root, string where)
    {
        var schema = Required<long>(root, "schema", where);
        if (schema is < 1 or > RunRecord.SchemaVersion)
            throw new CorruptDataException($"run {where}: manifest schema {schema} is not supported (this gittrack reads schemas 1 to {RunRecord.SchemaVersion})",
                "upgrade gittrack to read runs written by a newer version");
        var revision = 0L;
        if (schema >= 2)
        {
            revision = Required<long>(root, "revision", where);
            if (revision is < 1 or > int.MaxValue)
                throw Corrupt(where, $"revision {revision} is not a positive integer");
        }
        var id = Required<string>(root, "id", where);
        if (!RunId.IsValid(id))
            throw Corrupt(where, $"manifest id '{id}' is not 24 lowercase hex digits");
        var name = Required<string>(root, "name", where);
        if (name.Length == 0 || name.Any(char.IsControl))
            throw Corrupt(where, "manifest name is empty or holds control characters");
        var statusText = Required<string>(root, "status", where);
        if (!TryParseStatus(statusText, out var status))
            throw Corrupt(where, $"unknown status '{statusText}'");
        if (status == RunStatus.Crashed && schema < 2)
            throw Corrupt(where, "status 'crashed' is never written in schema 1");

        var sourceTable = Required<TomlTable>(root, "source", where);
        var source = new SourceInfo
        {
            Commit = ObjectId(Required<string>(sourceTable, "commit", where), "source.commit", where),
            Branch = Optional<string>(sourceTable, "branch", where),
            Remote = Optional<string>(sourceTable, "remote", where),
            Dirty = Optional<bool>(sourceTable, "dirty", where),
            Tree = ObjectId(Required<string>(sourceTable, "tree", where), "source.tree", where),
            SkippedFiles = StringArray(sourceTable, "skipped", where).Select(p => RelativePath(p, "source.skipped", where)).ToArray(),
        };

        ProcessInfo? process = null;
        if (Optional<TomlTable>(root, "process", where) is { } processTable)
            process = new ProcessInfo(checked((int)Required<long>(processTable, "pid", where)),
                Required<string>(processTable, "host", where), Optional<string>(processTable, "boot_id", where));

        HostInfo? host = null;
        if (Optional<TomlTable>(root, "host", where) is { } hostTable)
        {
            var gpus = new List<GpuInfo>();
            if (Optional<TomlTableArray>(hostTable, "gpus", where) is { } gpuArray)
                foreach (var gpu in gpuArray)
                    gpus.Add(new GpuInfo(Required<string>(gpu, "name", where), Required<long>(gpu, "memory_mib", where),
                        Optional<string>(gpu, "driver", where), Optional<string>(gpu, "uuid", where)));
            host = new HostInfo
            {
                Hostname = Optional<string>(hostTable, "hostname", where),
                Os = Optional<string>(hostTable, "os", where),
                Kernel = Optional<string>(hostTable, "kernel", where),
                Arch = Optional<string>(hostTable, "arch", where),
                Cpu = Optional<string>(hostTable, "cpu", where),
                Cores = checked((int)Optional<long>(hostTable, "cores", where)),
                MemoryBytes = Optional<long>(hostTable, "memory_bytes", where),
                Gpus = gpus,
            };
        }

        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in Optional<TomlTable>(root, "params", where) ?? [])
            parameters[key] = value switch
            {
                long or double or bool or string => value,
                _ => throw Corrupt(where, $"param '{key}' is a {value.GetType().Name}, not an integer, float, bool or string"),
            };

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in Optional<TomlTable>(root, "metrics", where) ?? [])
            metrics[key] = value switch
            {
                double d => d,
                long l => l, // another writer may have written 1 for 1.0
                _ => throw Corrupt(where, $"metric '{key}' is not a number"),
            };

        var artifacts = new List<ArtifactEntry>();
        if (Optional<TomlTableArray>(root, "artifacts", where) is { } artifactArray)
            foreach (var artifact in artifactArray)
                artifacts.Add(Artifact(artifact, "artifacts", where));
        ArtifactEntry? log = Optional<TomlTable>(root, "log", where) is { } logTable ? Artifact(logTable, "log", where) : null;
        RunOrigin? origin = null;
        if (Optional<TomlTable>(root, "origin", where) is { } originTable)
        {
            origin = new RunOrigin(Required<string>(originTable, "source", where), Required<string>(originTable, "id", where));
            if (!origin.IsValid)
                throw Corrupt(where, "[origin] source must be 1-32 of a-z 0-9 _ - and id 1-256 characters without control characters");
        }

        Packages.PackagesInfo? packagesInfo = null;
        if (Optional<TomlTable>(root, "environment", where) is { } environmentTable)
        {
            var key = Optional<string>(environmentTable, "packages", where);
            if (key is not null && (key.Length != 64 || !key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')))
                throw Corrupt(where, $"[environment] packages '{key}' is not 64 lowercase hex digits");
            var count = Optional<long>(environmentTable, "count", where);
            if (count is < 0 or > int.MaxValue)
                throw Corrupt(where, "[environment] count is out of range");
            packagesInfo = new Packages.PackagesInfo
            {
                Key = key,
                Count = (int)count,
                Sources = StringArray(environmentTable, "sources", where).Select(s => s.Any(char.IsControl) ? throw Corrupt(where, "[environment] sources hold a control character") : s).ToArray(),
                LockFiles = StringArray(environmentTable, "lock_files", where).Select(p => RelativePath(p, "environment.lock_files", where)).ToArray(),
            };
        }
        var inputs = new List<InputEntry>();
        if (Optional<TomlTableArray>(root, "inputs", where) is { } inputArray)
            foreach (var input in inputArray)
                inputs.Add(Input(input, where));

        var startedAt = Required<TomlDateTime>(root, "started_at", where);
        var endedAt = root.TryGetValue("ended_at", out var ended) ? (TomlDateTime?)Cast<TomlDateTime>(ended, "ended_at", where) : null;

        var workingDirectory = Optional<string>(root, "working_directory", where) ?? "";
        if (workingDirectory.Length > 0)
            RelativePath(workingDirectory, "working_directory", where);

        return new RunRecord
        {
            Schema = (int)schema,
            Revision = (int)revision,
            Id = id,
            Name = name,
            Status = status,
            ExitCode = root.TryGetValue("exit_code", out var exit) ? checked((int)Cast<long>(exit, "exit_code", where)) : null,
            Error = Optional<string>(root, "error", where),
            StartedAt = OffsetOf(startedAt, "started_at", where),
            EndedAt = endedAt is { } e ? OffsetOf(e, "ended_at", where) : null,
            Command = StringArray(root, "command", where, required: true),
            WorkingDirectory = workingDirectory,
            Note = Optional<string>(root, "note", where),
            Parent = OptionalId(root, "parent", where),
            Reproduces = OptionalId(root, "reproduces", where),
            Source = source,
            Process = process,
            Host = host,
            Runtimes = StringTable(root, "runtimes", where),
            Environment = StringTable(root, "env", where),
            Params = parameters,
            Metrics = metrics,
            Tags = StringTable(root, "tags", where),
            Artifacts = artifacts,
            Log = log,
            Origin = origin,
            Packages = packagesInfo,
            Inputs = inputs,
        };
    }

    private static InputEntry Input(TomlTable table, string where)
    {
        var path = InputPath(Required<string>(table, "path", where), where);
        var keyText = Required<string>(table, "blake3", where);
        if (keyText.Length != 64 || !Blake3Hash.TryParse(keyText, out var key))
            throw Corrupt(where, $"input '{path}' has an invalid blake3 key");
        var size = Required<long>(table, "size", where);
        var kind = Optional<string>(table, "kind", where) ?? "file";
        if (kind is not ("file" or "folder"))
            throw Corrupt(where, $"input '{path}' has an unknown kind '{kind}'");
        var files = Optional<long>(table, "files", where);
        if (size < 0 || files < 0)
            throw Corrupt(where, $"input '{path}' has a negative size or file count");
        return new InputEntry(path, key, size, kind == "folder", kind == "folder" ? files : 1, Optional<bool>(table, "stored", where));
    }

    /// <summary>
    /// An input's path: relative to the work tree under the artifacts' rules, or absolute (data outside the work tree,
    /// such as a cluster's dataset folder) without empty, '.' or '..' segments or control characters. Absolute inputs
    /// are only ever compared and hashed, never written to.
    /// </summary>
    internal static string InputPath(string path, string where)
    {
        if (!path.StartsWith('/'))
            return RelativePath(path, "inputs", where);
        var bad = path.Length < 2 || path.Any(char.IsControl) || path.Contains('\\')
            || path[1..].Split('/').Any(segment => segment is "" or "." or "..");
        return bad ? throw Corrupt(where, $"inputs path '{path}' is not a clean absolute or relative path") : path;
    }

    public static bool TryParseStatus(string text, out RunStatus status)
    {
        switch (text)
        {
            case "running": status = RunStatus.Running; return true;
            case "completed": status = RunStatus.Completed; return true;
            case "failed": status = RunStatus.Failed; return true;
            case "killed": status = RunStatus.Killed; return true;
            case "crashed": status = RunStatus.Crashed; return true;
            default: status = default; return false;
        }
    }

    private static DateTimeOffset OffsetOf(TomlDateTime value, string key, string where) =>
        value.Kind is TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber
            ? value.DateTime
            : throw Corrupt(where, $"{key} must be an offset date-time (with Z or +hh:mm)");

    private static ArtifactEntry Artifact(TomlTable table, string section, string where)
    {
        var path = RelativePath(Required<string>(table, "path", where), section, where);
        var keyText = Required<string>(table, "blake3", where);
        if (keyText.Length != 64 || !Blake3Hash.TryParse(keyText, out var key))
            throw Corrupt(where, $"{section} '{path}' has an invalid blake3 key");
        var size = Required<long>(table, "size", where);
        if (size < 0)
            throw Corrupt(where, $"{section} '{path}' has a negative size");
        return new ArtifactEntry(path, key, size);
    }

    /// <summary>
    /// A path stored in a manifest must stay inside the work tree and out of its <c>.git</c> when joined to it: the
    /// rule is <see cref="WorkTreePath.Problem"/>.
    /// </summary>
    internal static string RelativePath(string path, string section, string where) =>
        WorkTreePath.Problem(path) is { } problem
            ? throw Corrupt(where, $"{section} path '{path}' is refused ({problem}): not a relative path inside the work tree and out of its git folder")
            : path;

    private static string ObjectId(string value, string key, string where) =>
        (value.Length is 40 or 64) && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            ? value
            : throw Corrupt(where, $"{key} '{value}' is not a git object id");

    private static string? OptionalId(TomlTable table, string key, string where)
    {
        var value = Optional<string>(table, key, where);
        return value is null || RunId.IsValid(value) ? value : throw Corrupt(where, $"{key} '{value}' is not a run id");
    }

    private static T Required<T>(TomlTable table, string key, string where) =>
        table.TryGetValue(key, out var value) ? Cast<T>(value, key, where) : throw Corrupt(where, $"manifest lacks required field '{key}'");

    private static T? Optional<T>(TomlTable table, string key, string where) =>
        table.TryGetValue(key, out var value) ? Cast<T>(value, key, where) : default;

    private static T Cast<T>(object value, string key, string where) =>
        value is T typed ? typed : throw Corrupt(where, $"field '{key}' should be {TypeName(typeof(T))}, found {TypeName(value.GetType())}");

    private static string TypeName(Type type) => type == typeof(long) ? "an integer" : type == typeof(double) ? "a float"
        : type == typeof(string) ? "a string" : type == typeof(bool) ? "a boolean" : type == typeof(TomlTable) ? "a table"
        : type == typeof(TomlArray) ? "an array" : type == typeof(TomlTableArray) ? "an array of tables"
        : type == typeof(TomlDateTime) ? "a date-time" : type.Name;

    private static IReadOnlyList<string> StringArray(TomlTable table, string key, string where, bool required = false)
    {
        if (!table.TryGetValue(key, out var value))
            return required ? throw Corrupt(where, $"manifest lacks required field '{key}'") : [];
        var array = Cast<TomlArray>(value, key, where);
        return array.Select(item => item as string ?? throw Corrupt(where, $"{key} must hold only strings")).ToArray();
    }

    private static SortedDictionary<string, string> StringTable(TomlTable root, string key, string where)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Optional<TomlTable>(root, key, where) ?? [])
            result[name] = value as string ?? throw Corrupt(where, $"[{key}] '{name}' must be a string");
        return result;
    }

    private static CorruptDataException Corrupt(string where, string what, Exception? inner = null) =>
        new($"run {where}: {what}", "the runs branch was written by another tool or damaged; check it with 'git fsck'", inner);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
