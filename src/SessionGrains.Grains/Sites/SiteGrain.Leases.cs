using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's side of the lease protocol with its session grains, and what ends runaway leases: the site's timer at
/// the earliest lease end (<see cref="LeaseExpiryTimer"/>), and the backstop reminder (<see cref="BackstopReminder"/>)
/// for when the timer's silo died.
/// </summary>
public sealed partial class SiteGrain
{
    public async Task<LeaseLookup> GetLeaseAsync(SessionId sessionId)
    {
        ExpireLeases(clock.GetUtcNow());
        await WriteAsync();
        return _site.Lookup(sessionId, Settings.IdleTimeout);
    }

    public async Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact)
    {
        var now = clock.GetUtcNow();

        // The caller's activity first: a lease that ran out while its renewal could not be stored (a database
        // outage) still held the seat, so a session active within its idle timeout keeps it.
        if (Sessions.TryGet(sessionId, out var session))
        {
            _site.ApplyActivity(session, lastActivityAt, exact, Settings.IdleTimeout, now);
        }

        ExpireLeases(now);
        await WriteAsync();
        metrics.LeaseRenewed();
        return _site.Lookup(sessionId, Settings.IdleTimeout);
    }

    public async Task HandOverAsync(IReadOnlyList<SessionActivity> sessions)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        foreach (var activity in sessions)
        {
            if (Sessions.TryGet(activity.SessionId, out var session))
            {
                _site.ApplyActivity(session, activity.LastActivityAt, exact: true, Settings.IdleTimeout, now);
            }
        }

        await WriteAsync();
    }

    public async Task SessionEndedAsync(SessionId sessionId, SessionEndReason reason)
    {
        ExpireLeases(clock.GetUtcNow());

        if (_site.EndedBySession(sessionId, reason))
        {
            LogSessionEnded(SiteId, sessionId, reason);
        }

        await WriteAsync();
    }

    public Task RecordGuardRefusalsAsync(int count)
    {
        if (count > 0)
        {
            _history.RecordGuardRefusals(clock.GetUtcNow(), count);
            Usage.GuardBlocks(clock.GetUtcNow(), count);
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != BackstopReminder.Name)
        {
            return;
        }

        ExpireLeases(clock.GetUtcNow());
        await WriteAsync();
        if (Sessions.Count == 0)
        {
            await _backstop.StopAsync();
        }
    }

    private async Task OnLeasesExpiringAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        try
        {
            await WriteAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Already logged; the next activation ends the same leases from storage.
            return;
        }

        _expiryTimer.Schedule(now);
    }

    /// <summary>Ends every session whose lease ran out: its grain is gone or late, and its seat is free again.</summary>
    private void ExpireLeases(DateTimeOffset now)
    {
        if (_site.ExpireLeases(now) is { Count: > 0 } expired)
        {
            foreach (var session in expired)
            {
                metrics.LeaseExpiredLate(now - session.ExpiresAt);
            }

            LogLeasesExpired(SiteId, expired.Count);
        }
    }
}
