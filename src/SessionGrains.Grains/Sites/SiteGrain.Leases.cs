using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's side of the lease protocol with its session grains, sign-outs, and what ends leases: the site's timer at
/// the earliest lease end (<see cref="LeaseExpiryTimer"/>), which is also the idle end of every session whose grain
/// never started, and the backstop reminder (<see cref="BackstopReminder"/>) for when the timer's silo died.
/// </summary>
public sealed partial class SiteGrain
{
    public async Task<LeaseLookup> GetLeaseAsync(SessionId sessionId, ActivationId activation)
    {
        // A session held here was stored (or its id never given): its lease is answered from memory, even while the
        // database is away and this activation writes nothing (StorageRecovery).
        if (Sessions.TryGet(sessionId, out var session) && (_site.Broken || session.ExpiresAt > clock.GetUtcNow()))
        {
            session.HeardFrom(activation);
            return LeaseLookup.Held(session.LeaseFor(Settings.IdleTimeout));
        }

        ExpireLeases(clock.GetUtcNow());
        await WriteAsync();
        return await LookupAsync(sessionId);
    }

    public async Task<LeaseLookup> FirstTouchAsync(SessionId sessionId, DateTimeOffset touchedAt, ActivationId activation)
    {
        // Leases first: a touch after the deadline finds the session ended, even before the site's timer ran.
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        if (Sessions.TryGet(sessionId, out var session))
        {
            session.HeardFrom(activation);
            _site.ApplyActivity(session, touchedAt, exact: false, Settings.IdleTimeout, now);
        }

        await WriteAsync();
        metrics.LeaseRenewed();
        return await LookupAsync(sessionId);
    }

    public async Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact, ActivationId activation)
    {
        var now = clock.GetUtcNow();

        // The caller's activity first: a lease that ran out while its renewal could not be stored (a database
        // outage) still held the seat, so a session active within its idle timeout keeps it.
        if (Sessions.TryGet(sessionId, out var session))
        {
            if (exact)
            {
                TakeBack(session, lastActivityAt, activation, now);
            }
            else
            {
                session.HeardFrom(activation);
                _site.ApplyActivity(session, lastActivityAt, exact: false, Settings.IdleTimeout, now);
            }
        }

        ExpireLeases(now);
        await WriteAsync();
        metrics.LeaseRenewed();
        return await LookupAsync(sessionId);
    }

    public async Task HandOverAsync(IReadOnlyList<SessionActivity> sessions)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        foreach (var activity in sessions)
        {
            if (Sessions.TryGet(activity.SessionId, out var session))
            {
                TakeBack(session, activity.LastActivityAt, activity.Activation, now);
            }
        }

        await WriteAsync();
    }

    /// <summary>
    /// An activation going away hands back the last activity it saw. Its deadline is exact only if it is the activation
    /// the site heard from last; the activity of any other still counts, with the lease's headroom kept for the
    /// activation that goes on (<see cref="LiveSession.LetGo"/>).
    /// </summary>
    private void TakeBack(LiveSession session, DateTimeOffset lastActivityAt, ActivationId activation, DateTimeOffset now) =>
        _site.ApplyActivity(session, lastActivityAt, exact: session.LetGo(activation, lastActivityAt), Settings.IdleTimeout, now);

    public async Task<bool> SessionEndedAsync(SessionId sessionId, SessionEndReason reason, DateTimeOffset lastActivityAt, ActivationId activation)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        if (Sessions.TryGet(sessionId, out var session))
        {
            // An idle end from a grain that missed the session's latest activity: another activation of the session
            // (possible for a moment after a silo's death) was touched and renewed the lease since. The user is active.
            if (reason == SessionEndReason.Idle && session.LastActivityAt > lastActivityAt)
            {
                LogIdleEndRefused(SiteId, sessionId);
                await WriteAsync();
                return false;
            }

            // The caller knows. Another activation the site heard from since may be the one still answering: it is told.
            _site.End(session, reason, now, tellGrain: session.Activation != activation);
            LogSessionEnded(SiteId, sessionId, reason);
        }

        await WriteAsync();
        return true;
    }

    public async Task<bool> SignOutAsync(SessionId sessionId)
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        if (!Sessions.TryGet(sessionId, out var session))
        {
            // Not here: a second activation of this site that loaded before the admission must not leave the seat taken.
            await _site.ConfirmCurrentAsync();
            if (!Sessions.TryGet(sessionId, out session))
            {
                return false;
            }
        }

        // The sign-out's answer waits for the grain, if one was started, so the next touch already finds the session ended.
        var grainStarted = !session.NoGrain;
        _site.End(session, SessionEndReason.Logout, now, tellGrain: false);
        LogSessionEnded(SiteId, sessionId, SessionEndReason.Logout);
        await WriteAsync();
        if (grainStarted)
        {
            await SignalEndAsync(sessionId, SessionEndReason.Logout);
        }

        return true;
    }

    /// <summary>
    /// The lease, or why the session ended, or "unknown". The end log answers for ended sessions, since every end is
    /// recorded in the write that freed its seat; an end is final, so it may be read before anything else. "Unknown"
    /// ends the session for its grain, so it is said only from state shown to be current
    /// (<see cref="DurableSite.ConfirmCurrentAsync"/>): a second activation of this site that loaded before the session
    /// was admitted must not end it. That write also stores any end this activation made meanwhile, so the log is read
    /// again after it.
    /// </summary>
    private async Task<LeaseLookup> LookupAsync(SessionId sessionId)
    {
        if (Sessions.TryGet(sessionId, out var session))
        {
            return LeaseLookup.Held(session.LeaseFor(Settings.IdleTimeout));
        }

        if (await endLog.FindAsync(SiteId, sessionId) is { } end)
        {
            return LeaseLookup.Ended(end.Reason);
        }

        await _site.ConfirmCurrentAsync();
        if (Sessions.TryGet(sessionId, out session))
        {
            return LeaseLookup.Held(session.LeaseFor(Settings.IdleTimeout));
        }

        return await endLog.FindAsync(SiteId, sessionId) is { } stored ? LeaseLookup.Ended(stored.Reason) : LeaseLookup.Unknown;
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
