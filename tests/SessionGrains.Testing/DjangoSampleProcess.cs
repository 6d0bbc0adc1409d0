namespace SessionGrains.Testing;

/// <summary>
/// The Django sample (clients/python/sample) run for real with Debian's python3 and Django: its database migrated and
/// its demo users created in a throwaway data folder, then Django's own server on a free loopback port, gating a site
/// of the given server through its HTTP API with the site's key. Stopped, and its data folder deleted, on dispose.
/// </summary>
public sealed class DjangoSampleProcess : IAsyncDisposable
{
    /// <summary>Debian's python3, which has python3-django (tests/run.sh installs it), never a python3 found on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Django's sign-in page in the sample (<c>django.contrib.auth.views.LoginView</c>).</summary>
    public const string LoginPath = "/accounts/login/";

    private readonly TempFolder _data;

    private DjangoSampleProcess(AppProcess app, TempFolder data)
    {
        App = app;
        _data = data;
    }

    public AppProcess App { get; }

    public Uri Address => App.Address;

    public Uri LoginPage => new(App.Address, LoginPath);

    /// <summary>The sample's folder, where its manage.py is.</summary>
    public static string Folder => Path.Combine(Repository.Root, "clients", "python", "sample");

    /// <summary>Starts the sample; its demo users (alice, bob, carol, dave) all get <paramref name="password"/>.</summary>
    public static async Task<DjangoSampleProcess> StartAsync(ServerProcess server, string siteId, string siteKey, string password)
    {
        var data = new TempFolder("sessiongrains-django");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["SESSIONGRAINS_URL"] = server.Address.ToString().TrimEnd('/'),
                ["SESSIONGRAINS_SITE_ID"] = siteId,
                ["SESSIONGRAINS_SITE_KEY"] = siteKey,
                ["DEMO_DATA_DIR"] = data.Path,

                // The client package and its Django integration, from the repository itself.
                ["PYTHONPATH"] = Path.Combine(Repository.Root, "clients", "python"),

                // No __pycache__ folders in the repository; output line by line, as it happens.
                ["PYTHONDONTWRITEBYTECODE"] = "1",
                ["PYTHONUNBUFFERED"] = "1",
            };
            var manage = Path.Combine(Folder, "manage.py");
            await Processes.RunAsync(Python, [manage, "migrate", "--no-input"], environment, Folder);
            await Processes.RunAsync(Python, [manage, "create_demo_users", "--password", password], environment, Folder);
            var app = await AppProcess.WithFreshPortsAsync(() =>
            {
                var address = new Uri($"http://127.0.0.1:{Ports.Free()}");
                return AppProcess.StartCommandAsync(
                    Python,
                    [manage, "runserver", $"127.0.0.1:{Ports.Text(address.Port)}", "--noreload"],
                    Folder,
                    environment,
                    address,
                    LoginPath);
            });
            return new DjangoSampleProcess(app, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _data.Dispose();
    }
}
