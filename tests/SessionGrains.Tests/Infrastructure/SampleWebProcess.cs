namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The sample web app (SessionGrains.SampleWeb), run from its own build output, connected to a server's gateway as
/// an Orleans client.
/// </summary>
public static class SampleWebProcess
{
    public static Task<AppProcess> StartAsync(ServerProcess server, string siteId, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["SessionGrains__Client__GatewayPort"] = AppProcess.Port(server.GatewayPort),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        return StartAsync(siteId, settings);
    }

    /// <summary>Started with only the given client settings (cluster mode: membership in PostgreSQL).</summary>
    public static Task<AppProcess> StartAsync(string siteId, IReadOnlyDictionary<string, string> environment)
    {
        var settings = new Dictionary<string, string>(environment) { ["SessionGrains__SiteId"] = siteId };
        return AppProcess.WithFreshPortsAsync(() => AppProcess.StartAsync(DllPath(), settings, "/Login"));
    }

    // Built beside the tests (the test project references it for build order only), in the same configuration.
    private static string DllPath()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "SessionGrains.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("The repository root (SessionGrains.sln) was not found above the test output.");
        }

        return Path.Combine(root.FullName, "src", "SessionGrains.SampleWeb", "bin", configuration, framework, "SessionGrains.SampleWeb.dll");
    }
}
