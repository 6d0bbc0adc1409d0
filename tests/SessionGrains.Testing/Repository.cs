namespace SessionGrains.Testing;

/// <summary>
/// Where the repository is, seen from a test or benchmark assembly running from its build output
/// (<c>tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/</c>), and where the programs it runs were built.
/// </summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>The folder that holds SessionGrains.sln.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>
    /// The dll of a project under <paramref name="folder"/> (<c>src/</c>, or <c>tests/</c> for a program only the
    /// tests run) in its own build output, in the configuration and framework of the
    /// running assembly: programs are run from there (never from a copy beside the tests), with their own appsettings.json.
    /// A project that runs one references it for build order only (<c>ReferenceOutputAssembly="false"</c>).
    /// </summary>
    public static string BuiltProgram(string project, string folder = "src")
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var dll = Path.Combine(Root, folder, project, "bin", configuration, framework, $"{project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} is missing: build the solution in {configuration} first (tests/run.sh and tests/benchmarks.sh do).");
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SessionGrains.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"The repository root (SessionGrains.sln) was not found above {AppContext.BaseDirectory}.");
    }
}
