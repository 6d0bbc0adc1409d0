using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using SessionGrains.Grains.Sites;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// Tracks one session's idle time. Touches are answered from memory; a touch calls the site only when it moves
/// the idle deadline past the site's lease, and the lease then reaches half an idle timeout further, so an active
/// session costs its site at most about two calls (and writes) per idle timeout. The grain's alarm
/// (<see cref="IdleAlarms"/>, one timer for the whole silo) ends the session at its idle deadline and frees the seat.
/// </summary>
/// <remarks>
/// Placed beside its caller: the first call is the site's start signal, so a session lives on its site's silo.
/// Its stored record (how it ended) is read only by an activation its site did not start (a touch or an end signal
/// reaching a fresh activation): a session started by its site never waits for the database, so it can be touched
/// even while the database is down.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class SessionGrain(
    ISessionEndLog endLog,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    LocalSessions localSessions,
    IdleAlarms alarms,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain, ISessionControlGrain
{
    private Phase _phase;
    private SessionLease _lease = null!;
    private ActivityClock _activity = null!;
    private IdleAlarm? _alarm;
    private DateTimeOffset _alarmAt;
    private DateTimeOffset _renewalRetryAt;
    private SessionId _sessionId;
    private string _siteId = "";
    private SessionEndReason _endedReason = SessionEndReason.Idle;
    private bool _endRecorded; // the end is on record, so the session is ended for good
    private bool _startSignalSeen;

    /// <summary>How long touches after a failed lease renewal wait before trying again.</summary>
    public static readonly TimeSpan RenewalRetryDelay = TimeSpan.FromSeconds(5);

    private enum Phase
    {
        /// <summary>Activated by a caller other than the site: ask the site whether the session is live.</summary>
        Unresolved,
        Live,
        Ended,
        NotFound,
    }

    private ISiteLeaseGrain Site => GrainFactory.GetGrain<ISiteLeaseGrain>(_siteId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sessionId = new SessionId(this.GetPrimaryKey(out var siteId));
        _siteId = siteId ?? "";
        _phase = Phase.Unresolved;
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CancelAlarm();
        if (_phase != Phase.Live)
        {
            return;
        }

        localSessions.Forget(_siteId, _sessionId);

        // Hand the exact idle deadline to the site, so its lease ends the session on time without this activation.
        // At shutdown the silo has already done so for all its sessions at once (HandOverOnShutdown).
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown && IdleDeadline < _lease.ExpiresAt)
        {
            try
            {
                await Site.RenewLeaseAsync(_sessionId, _activity.LastActivityAt, exact: true);
            }
            catch (Exception ex)
            {
                // The lease still ends the session, at most its headroom later.
                LogHandOverFailed(ex, _siteId, _sessionId);
            }
        }
    }

    public Task StartAsync(SessionLease lease)
    {
        _startSignalSeen = true;
        if (_phase == Phase.Unresolved)
        {
            BecomeLive(lease, lease.LastActivityAt);
        }
        else
        {
            // The session ended before its start signal came (the signal was overtaken); nothing else is on its way.
            DeactivateOnceSettled();
        }

        return Task.CompletedTask;
    }

    public async Task EndAsync(SessionEndReason reason)
    {
        if (_phase == Phase.Unresolved)
        {
            // Not started here: the session's grain was lost, or this signal overtook the site's start signal.
            if (!await EndedEarlierAsync())
            {
                await RecordEndAsync(reason);
            }
        }
        else if (_phase != Phase.Ended)
        {
            await RecordEndAsync(reason);
        }
    }

    public async Task<TouchResult> TouchAsync()
    {
        await ResolveAsync();
        if (_phase != Phase.Live)
        {
            return Outcome();
        }

        var now = clock.GetUtcNow();
        if (now >= IdleDeadline)
        {
            // Unless the site knew of later activity (another activation was touched): then it carries on from the lease.
            await EndIdleAsync();
            await ResolveAsync();
            if (_phase != Phase.Live)
            {
                return Outcome();
            }

            now = clock.GetUtcNow();
        }

        _activity.LastActivityAt = now;
        if (IdleDeadline < _alarmAt)
        {
            // Only after taking a lease's end as the deadline (see ResolveAsync): this touch makes it exact, and earlier.
            SetAlarm();
        }

        if (IdleDeadline > _lease.ExpiresAt && now >= _renewalRetryAt)
        {
            await RenewAsync();
            if (_phase != Phase.Live)
            {
                return Outcome();
            }
        }

        return new SessionActive { IdleExpiresAt = IdleDeadline };
    }

    public async Task<TouchResult> PeekAsync()
    {
        await ResolveAsync();
        if (_phase == Phase.Live && clock.GetUtcNow() >= IdleDeadline)
        {
            // The alarm is about to end it: say so now rather than report a deadline in the past.
            await EndIdleAsync();
            await ResolveAsync();
        }

        return _phase == Phase.Live ? new SessionActive { IdleExpiresAt = IdleDeadline } : Outcome();
    }

    public async Task<bool> LogoutAsync()
    {
        await ResolveAsync();
        if (_phase != Phase.Live)
        {
            return false;
        }

        await Site.SessionEndedAsync(_sessionId, SessionEndReason.Logout, _activity.LastActivityAt);
        await RecordEndAsync(SessionEndReason.Logout);
        return true;
    }

    private DateTimeOffset IdleDeadline => _activity.LastActivityAt + _lease.IdleTimeout;

    public async Task IdleAlarmAsync()
    {
        if (_phase == Phase.Unresolved)
        {
            // The alarm of an activation that is gone reached a new one: it has nothing to check.
            DeactivateOnIdle();
            return;
        }

        if (_phase != Phase.Live)
        {
            return;
        }

        // Touches move the deadline without moving the alarm; it catches up here.
        if (clock.GetUtcNow() >= IdleDeadline)
        {
            await EndIdleAsync();
            if (_phase == Phase.Unresolved)
            {
                // A stale activation: the session lives on in the one that was touched.
                DeactivateOnIdle();
            }
        }
        else
        {
            SetAlarm();
        }
    }

    private async Task ResolveAsync()
    {
        if (_phase != Phase.Unresolved)
        {
            return;
        }

        // Ended by itself earlier (and deactivated since): the site may still hold a lease whose end never reached it.
        if (await EndedEarlierAsync())
        {
            return;
        }

        var lookup = await Site.GetLeaseAsync(_sessionId);
        if (lookup.Lease is { } lease)
        {
            // Touches this grain saw before it was lost may not have reached the site. The lease covers them,
            // so the session runs to the end of its lease: never shorter than the user's real idle deadline.
            BecomeLive(lease, lease.ExpiresAt - lease.IdleTimeout);
        }
        else if (lookup.EndedReason is { } reason)
        {
            await RecordEndAsync(reason);
        }
        else
        {
            _phase = Phase.NotFound;
            DeactivateOnIdle();
        }
    }

    private void BecomeLive(SessionLease lease, DateTimeOffset lastActivity)
    {
        _phase = Phase.Live;
        _lease = lease;
        _activity = localSessions.Track(_siteId, _sessionId, lastActivity);
        SetAlarm();
    }

    private async Task RenewAsync()
    {
        LeaseLookup lookup;
        try
        {
            lookup = await Site.RenewLeaseAsync(_sessionId, _activity.LastActivityAt, exact: false);
        }
        catch (Exception ex)
        {
            // The user's touch still counts here, and the current lease holds. Touches in the next few seconds
            // do not retry, so an outage costs each session one failed call per interval, not one per touch.
            LogRenewalFailed(ex, _siteId, _sessionId);
            _renewalRetryAt = clock.GetUtcNow() + RenewalRetryDelay;
            return;
        }

        if (lookup.Lease is { } lease)
        {
            // The renewal carries the site's current idle timeout; if it was shortened, the deadline comes sooner.
            _lease = lease;
            SetAlarm();
        }
        else
        {
            // The site no longer holds the seat: it ended the session, or the lease ran out first.
            await RecordEndAsync(lookup.EndedReason ?? SessionEndReason.Idle);
        }
    }

    /// <summary>
    /// Frees the seat, then records the end. If the site refuses, because it knows of activity this activation never
    /// saw (a second activation of the session, possible for a moment after a silo's death, was touched and renewed
    /// the lease), nothing ends: this activation forgets what it held and goes back to asking the site.
    /// </summary>
    private async Task EndIdleAsync()
    {
        try
        {
            if (!await Site.SessionEndedAsync(_sessionId, SessionEndReason.Idle, _activity.LastActivityAt))
            {
                localSessions.Forget(_siteId, _sessionId);
                CancelAlarm();
                _phase = Phase.Unresolved;
                return;
            }
        }
        catch (Exception ex)
        {
            // Not fatal: the site's lease for this session runs out by itself.
            LogReleaseFailed(ex, _siteId, _sessionId);
        }

        await RecordEndAsync(SessionEndReason.Idle);
    }

    /// <summary>Reads the stored record; true (and ended) if an earlier activation recorded how the session ended.</summary>
    private async Task<bool> EndedEarlierAsync()
    {
        if (await endLog.FindAsync(_siteId, _sessionId) is not { } end)
        {
            return false;
        }

        _endedReason = end.Reason;
        _phase = Phase.Ended;
        _endRecorded = true;
        return true;
    }

    private async Task RecordEndAsync(SessionEndReason reason)
    {
        if (_phase == Phase.Live)
        {
            localSessions.Forget(_siteId, _sessionId);
        }

        _phase = Phase.Ended;
        CancelAlarm();
        _endedReason = reason;
        LogEnded(_siteId, _sessionId, reason);
        try
        {
            await endLog.RecordAsync(new SessionEnd(_siteId, _sessionId, reason, clock.GetUtcNow()));
            _endRecorded = true;
            DeactivateOnceSettled();
        }
        catch (Exception ex)
        {
            // The seat is already free; keep this activation so it can still tell the user why the session ended.
            LogEndNotSaved(ex, _siteId, _sessionId);
        }
    }

    /// <summary>
    /// Lets an ended session's activation go once its end is on record and the site's start signal has reached it.
    /// One-way messages keep no order: a start signal that arrived late at a fresh activation would take the
    /// session for live, so an activation that ended before its start signal came waits for it (or for idle collection,
    /// when the grain that had the signal coming was lost with its silo).
    /// </summary>
    private void DeactivateOnceSettled()
    {
        if (_endRecorded && _startSignalSeen)
        {
            DeactivateOnIdle();
        }
    }

    private TouchResult Outcome() => _phase switch
    {
        Phase.Ended => new SessionEnded { Reason = _endedReason },
        Phase.NotFound => SessionNotFound.Instance,
        _ => throw new InvalidOperationException($"No outcome while {_phase}."),
    };

    private void SetAlarm()
    {
        _alarmAt = IdleDeadline;
        _alarm ??= new IdleAlarm(GrainContext.GrainReference);
        alarms.Set(_alarm, _alarmAt);
    }

    private void CancelAlarm()
    {
        if (_alarm is not null)
        {
            alarms.Cancel(_alarm);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} session {SessionId} ended: {Reason}")]
    private partial void LogEnded(string siteId, SessionId sessionId, SessionEndReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: lease renewal failed; a touch retries in a few seconds")]
    private partial void LogRenewalFailed(Exception exception, string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: releasing the seat failed; its lease ends it")]
    private partial void LogReleaseFailed(Exception exception, string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: saving how the session ended failed")]
    private partial void LogEndNotSaved(Exception exception, string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: handing the idle deadline to the site on deactivation failed")]
    private partial void LogHandOverFailed(Exception exception, string siteId, SessionId sessionId);
}
