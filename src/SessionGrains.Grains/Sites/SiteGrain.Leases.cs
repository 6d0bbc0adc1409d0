using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>The site's side of the lease protocol with its session grains, and the timer that ends runaway leases.</summary>
public sealed partial class SiteGrain
{
    public async Task<LeaseLookup> GetLeaseAsync(SessionId sessionId)
    {
        ExpireLeases(clock.GetUtcNow());
        await CommitAsync();
        return Lookup(sessionId);
    }

    public async Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact)
    {
        var now = clock.GetUtcNow();

        // The caller's activity first: a lease that ran out while its renewal could not be saved (a database
        // outage) still held the seat, so a session active within its idle timeout keeps it.
        if (_sessions.TryGet(sessionId, out var session))
        {
            ApplyActivity(session, lastActivityAt, exact, now);
        }

        ExpireLeases(now);

        await CommitAsync();
        return Lookup(sessionId);
    }

    public async Task HandOverAsync(IReadOnlyList<SessionActivity> sessions)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        foreach (var activity in sessions)
        {
            if (_sessions.TryGet(activity.SessionId, out var session))
            {
                ApplyActivity(session, activity.LastActivityAt, exact: true, now);
            }
        }

        await CommitAsync();
    }

    public async Task ReleaseAsync(SessionId sessionId, SessionEndReason reason)
    {
        ExpireLeases(clock.GetUtcNow());

        // The session ended on its own and knows why: no notice, nothing to remember.
        if (_sessions.Remove(sessionId) is not null)
        {
            LogReleased(SiteId, sessionId, reason);
        }

        await CommitAsync();
    }

    private async Task OnLeasesExpiringAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        try
        {
            await CommitAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Already logged; the next activation ends the same leases from storage.
            return;
        }

        ScheduleExpiryTimer(now);
    }

    /// <summary>Ends every session whose lease ran out: its grain is gone or late, and its seat is free again.</summary>
    private void ExpireLeases(DateTimeOffset now)
    {
        var expired = _sessions.RemoveExpired(now);
        if (expired is null)
        {
            return;
        }

        foreach (var session in expired)
        {
            EndSession(session, SessionEndReason.Idle, now);
        }

        LogLeasesExpired(SiteId, expired.Count);
    }

    /// <summary>Moves a session's lease to match the activity its grain reports, or ends it if that activity is too old.</summary>
    private void ApplyActivity(LiveSession session, DateTimeOffset lastActivityAt, bool exact, DateTimeOffset now)
    {
        // A session grain's clock may run slightly ahead of ours (another silo): never accept activity from the future.
        var activity = lastActivityAt > now ? now : lastActivityAt;
        if (activity < session.LastActivityAt)
        {
            activity = session.LastActivityAt;
        }

        var settings = Settings;
        if (activity + settings.IdleTimeout <= now)
        {
            // Already idle: the idle timeout was lowered since the last renewal, or the hand-over came late.
            EndSession(session, SessionEndReason.Idle, now);
            return;
        }

        var expiresAt = LeaseTerms.ExpiresAt(activity, settings.IdleTimeout, exact);
        if (expiresAt != session.ExpiresAt)
        {
            _sessions.Renew(session, activity, expiresAt);
        }
    }

    private LeaseLookup Lookup(SessionId sessionId)
    {
        if (_sessions.TryGet(sessionId, out var session))
        {
            return LeaseLookup.Held(LeaseOf(session, Settings));
        }

        var ended = _header.RecentlyEnded.FindLast(e => e.SessionId == sessionId);
        return ended is null ? LeaseLookup.Unknown : LeaseLookup.Ended(ended.Reason);
    }

    private static SessionLease LeaseOf(LiveSession session, SiteSettings settings) => new()
    {
        LastActivityAt = session.LastActivityAt,
        IdleTimeout = settings.IdleTimeout,
        ExpiresAt = session.ExpiresAt,
    };

    private void ScheduleExpiryTimer(DateTimeOffset now)
    {
        var next = _sessions.NextExpiry();
        var due = next is { } at ? Max(at - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        _expiryTimer?.Change(due, Timeout.InfiniteTimeSpan);
    }
}
