using Microsoft.Extensions.Logging;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The reminder that wakes a site while it holds leases. The site's own timer ends runaway leases, but it dies with
/// the site's silo; the reminder is durable, so another silo reactivates the site and its leases end on schedule
/// even if nobody calls it. Counting never depends on this (every call ends expired leases first): it keeps stored
/// state, logs and end notices from waiting for the next call.
/// </summary>
public sealed partial class SiteGrain
{
    public const string BackstopReminderName = "expire-leases";

    /// <summary>Orleans' shortest reminder period; the timer does the precise work while the site is alive.</summary>
    public static readonly TimeSpan BackstopPeriod = TimeSpan.FromMinutes(1);

    private bool _backstopRegistered;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != BackstopReminderName)
        {
            return;
        }

        ExpireLeases(clock.GetUtcNow());
        await SaveIfChangedAsync();
        if (_sessions.Count == 0)
        {
            // Nothing left to end: stop waking up. The next admission registers the reminder again.
            if (await this.GetReminder(BackstopReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _backstopRegistered = false;
        }
    }

    /// <summary>Registers the reminder once per activation that holds leases; later saves cost nothing.</summary>
    private async Task KeepBackstopAsync()
    {
        if (_backstopRegistered || _sessions.Count == 0)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(BackstopReminderName, BackstopPeriod, BackstopPeriod);
            _backstopRegistered = true;
        }
        catch (Exception ex)
        {
            // The change itself is saved; the next save tries again, and the leases still end on the next call.
            LogBackstopFailed(ex, SiteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: registering the lease backstop reminder failed; the next change retries")]
    private partial void LogBackstopFailed(Exception exception, string siteId);
}
