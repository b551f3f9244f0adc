using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The web UI's sources (src/GitTrack.Web/frontend) against what ships: the TypeScript type-checks under the strict
/// tsconfig, and the committed bundle (src/GitTrack.Web/wwwroot, embedded in gittrack) is exactly what Vite builds
/// from the sources now. Needs Node and the front end's node_modules (npm ci), not a browser; .ci/run installs both.
/// </summary>
public sealed class UiFrontendTests
{
    private static string Frontend => UiBrowserTests.FrontendDir();

    private static void RequireNodeModules(string package) =>
        Requirement.That(ProcessRunner.IsOnPath("node") && Directory.Exists(Path.Combine(Frontend, "node_modules", package)),
            $"Node.js and the front end's {package} are needed (npm ci in src/GitTrack.Web/frontend; .ci/run does it)");

    private static ProcessResult Node(params string[] args) =>
        ProcessRunner.Run("node", args, Frontend, timeout: TimeSpan.FromMinutes(5));

    [SkippableFact]
    public void The_frontend_type_checks_under_the_strict_tsconfig()
    {
        RequireNodeModules("typescript");

        var result = Node(Path.Combine("node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json");

        Assert.True(result.ExitCode == 0, $"tsc found type errors:\n{result.Stdout}{result.Stderr}");
    }

    [SkippableFact]
    public void The_committed_bundle_is_what_vite_builds_from_the_sources()
    {
        RequireNodeModules("vite");
        var built = Directory.CreateTempSubdirectory("gittrack-bundle-").FullName;
        try
        {
            var result = Node(Path.Combine("node_modules", "vite", "bin", "vite.js"), "build", "--outDir", built, "--emptyOutDir", "--logLevel", "error");
            Assert.True(result.ExitCode == 0, $"vite build failed:\n{result.Stdout}{result.Stderr}");

            var committed = Path.Combine(Frontend, "..", "wwwroot");
            var expected = Files(built);
            var actual = Files(committed);
            Assert.True(expected.Keys.SequenceEqual(actual.Keys),
                $"the committed bundle's files differ from a fresh build (rebuild it: npm run build in src/GitTrack.Web/frontend)\n"
                + $"built:     {string.Join(", ", expected.Keys)}\ncommitted: {string.Join(", ", actual.Keys)}");
            foreach (var (name, content) in expected)
                Assert.True(content.AsSpan().SequenceEqual(actual[name]),
                    $"wwwroot/{name} differs from a fresh build (rebuild it: npm run build in src/GitTrack.Web/frontend)");
        }
        finally
        {
            Directory.Delete(built, recursive: true);
        }
    }

    private static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);
}
