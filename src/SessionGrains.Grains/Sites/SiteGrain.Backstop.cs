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

    /// <summary>A reminder call waits for the reminder service, which is slow to answer while silos join or leave.</summary>
    private static readonly TimeSpan ReminderCallTimeout = TimeSpan.FromSeconds(10);

    private bool _backstopRegistered;
    private Task? _backstopRegistration;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != BackstopReminderName)
        {
            return;
        }

        ExpireLeases(clock.GetUtcNow());
        await CommitAsync();
        if (_sessions.Count == 0 && _backstopRegistration is not { IsCompleted: false })
        {
            // Nothing left to end: stop waking up. The next admission registers the reminder again.
            if (await this.GetReminder(BackstopReminderName).WaitAsync(ReminderCallTimeout) is { } reminder)
            {
                await this.UnregisterReminder(reminder).WaitAsync(ReminderCallTimeout);
            }

            _backstopRegistered = false;
        }
    }

    /// <summary>
    /// Registers the reminder once per activation that holds leases. Runs beside the site's requests rather than
    /// inside one: an admission must never wait for the reminder service.
    /// </summary>
    private void KeepBackstop()
    {
        if (!_backstopRegistered && _backstopRegistration is not { IsCompleted: false } && _sessions.Count > 0)
        {
            _backstopRegistration = RegisterBackstopAsync();
        }
    }

    private async Task RegisterBackstopAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(BackstopReminderName, BackstopPeriod, BackstopPeriod).WaitAsync(ReminderCallTimeout);
            _backstopRegistered = true;
        }
        catch (Exception ex)
        {
            // The next save tries again; meanwhile leases still end on the site's timer and on every call.
            LogBackstopFailed(ex, SiteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: registering the lease backstop reminder failed; the next change retries")]
    private partial void LogBackstopFailed(Exception exception, string siteId);
}
