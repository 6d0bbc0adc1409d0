namespace SessionGrains.Testing;

/// <summary>
/// The sample web app (SessionGrains.SampleWeb), run from its own build output, connected to a server's gateway as
/// an Orleans client that acts with the site's key.
/// </summary>
public static class SampleWebProcess
{
    public static Task<AppProcess> StartAsync(ServerProcess server, string siteId, string siteKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["SessionGrains__Client__GatewayPort"] = Ports.Text(server.GatewayPort),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        return StartAsync(siteId, siteKey, settings);
    }

    /// <summary>Started with only the given client settings (cluster mode: membership in PostgreSQL).</summary>
    public static Task<AppProcess> StartAsync(string siteId, string siteKey, IReadOnlyDictionary<string, string> environment)
    {
        var settings = new Dictionary<string, string>(environment)
        {
            ["SessionGrains__SiteId"] = siteId,
            ["SessionGrains__SiteKey"] = siteKey,
        };
        return AppProcess.StartAsync(Repository.BuiltProgram("SessionGrains.SampleWeb"), settings, "/Login");
    }
}
