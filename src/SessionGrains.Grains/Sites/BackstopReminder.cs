using Microsoft.Extensions.Logging;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The reminder that wakes a site while it holds leases. The site's own timer ends runaway leases, but it dies with
/// the site's silo; the reminder is durable, so another silo reactivates the site and its leases end on schedule
/// even if nobody calls it. Counting never depends on this (every call ends expired leases first): it keeps stored
/// state, logs and end signals from waiting for the next call.
/// </summary>
internal sealed partial class BackstopReminder(IGrainBase site, string siteId, ILogger logger)
{
    public const string Name = "expire-leases";

    /// <summary>Orleans' shortest reminder period; the timer does the precise work while the site is alive.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>A reminder call waits for the reminder service, which is slow to answer while silos join or leave.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private bool _registered;
    private Task? _registration;

    /// <summary>
    /// Registers the reminder once per activation that holds leases. Runs beside the site's requests rather than
    /// inside one: an admission must never wait for the reminder service.
    /// </summary>
    public void Keep(bool holdsLeases)
    {
        if (holdsLeases && !_registered && _registration is not { IsCompleted: false })
        {
            _registration = RegisterAsync();
        }
    }

    /// <summary>Nothing left to end: stop waking up. The next admission registers the reminder again.</summary>
    public async Task StopAsync()
    {
        if (_registration is { IsCompleted: false })
        {
            return;
        }

        if (await site.GetReminder(Name).WaitAsync(CallTimeout) is { } reminder)
        {
            await site.UnregisterReminder(reminder).WaitAsync(CallTimeout);
        }

        _registered = false;
    }

    private async Task RegisterAsync()
    {
        try
        {
            await site.RegisterOrUpdateReminder(Name, Period, Period).WaitAsync(CallTimeout);
            _registered = true;
        }
        catch (Exception ex)
        {
            // The next write tries again; meanwhile leases still end on the site's timer and on every call.
            LogRegistrationFailed(ex, siteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: registering the lease backstop reminder failed; the next change retries")]
    private partial void LogRegistrationFailed(Exception exception, string siteId);
}
