using System.CommandLine;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Packages;

namespace GitTrack.Cli.Commands;

/// <summary>
/// <c>gittrack env RUN [--format list|requirements|conda] [-o FILE]</c>: the packages a run recorded, or a file that
/// recreates its environment (pip's requirements.txt, conda's environment.yml).
/// </summary>
public static class EnvCommand
{
    public static Command Create(CommandContext context)
    {
        var runArgument = new Argument<string>("run") { Description = "A run id, a unique id prefix (4+ digits) or a unique name" };
        var format = new Option<string>("--format", "-f") { Description = "list (manager, name, version), requirements (pip's requirements.txt) or conda (environment.yml)", DefaultValueFactory = _ => "list" };
        format.AcceptOnlyFromAmong("list", "requirements", "conda");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var command = new Command("env", "Show the packages a run recorded, or write a requirements.txt or environment.yml that recreates them");
        command.Arguments.Add(runArgument);
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(parseResult =>
        {
            using var store = context.OpenStore();
            var run = store.Resolve(parseResult.GetValue(runArgument)!, includeRemoved: true);
            var shortName = $"{run.Name} ({run.Id[..RunId.ShortLength]})";
            if (run.Packages?.Key is not { } key)
                throw new NotFoundException($"run {shortName} recorded no packages", "runs record them since gittrack recorded environments; rerun it to record them");
            var set = store.ReadEnvironment(key)
                ?? throw new NotFoundException($"the environment {key[..12]} of run {shortName} is not on the runs branch", "pull the branch from where the run was recorded");
            var header = $"packages of gittrack run {shortName}, recorded {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
            var text = parseResult.GetValue(format) switch
            {
                "requirements" => EnvironmentFile.Requirements(set, header),
                "conda" => EnvironmentFile.Conda(set, run.Name, header, run.Runtimes.GetValueOrDefault("python")),
                _ => string.Concat(set.Packages.Select(p => $"{p.Manager} {p.Name} {p.Version}\n")),
            };
            if (parseResult.GetValue(output) is { } file)
            {
                var path = context.FullPath(file);
                var temp = path + $".{Environment.ProcessId}.tmp";
                File.WriteAllText(temp, text);
                File.Move(temp, path, overwrite: true);
                context.Error.WriteLine($"gittrack: wrote {set.Count} packages to {file}");
            }
            else
                context.Out.Write(text);
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
