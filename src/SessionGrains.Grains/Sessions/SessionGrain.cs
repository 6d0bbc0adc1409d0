using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using SessionGrains.Grains.Sites;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// Tracks one session's idle time once the session is in use. The site admits a session without starting its grain and
/// holds its first idle deadline as the lease; the session's first touch (or look) starts the grain, which asks the site
/// for the lease. Touches are then answered from memory; a touch calls the site only when it moves the idle deadline
/// past the site's lease, and the lease then reaches half an idle timeout further, so an active session costs its site
/// at most about two calls (and writes) per idle timeout. The grain's alarm (<see cref="IdleAlarms"/>, one timer for
/// the whole silo) ends the session at its idle deadline and frees the seat.
/// </summary>
/// <remarks>
/// The site decides every end but the idle one and records them all, so this grain keeps nothing in storage: what it
/// knows is in memory and, for an activation that starts fresh, the site's answer. Each call to the site names this
/// activation (its <c>ActivationId</c>): for a moment after a silo stops or dies a session can have two, and the site
/// tells the one it heard from last of an end, and takes an exact deadline only from that one.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class SessionGrain(
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

    /// <summary>How long touches after a failed lease renewal wait before trying again.</summary>
    public static readonly TimeSpan RenewalRetryDelay = TimeSpan.FromSeconds(5);

    private enum Phase
    {
        /// <summary>Just started, or stale: ask the site whether the session is live.</summary>
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

        // Hand the exact idle deadline to the site, so its lease ends the session on time without this activation, and the
        // site knows no grain is there to tell (unless it heard from another activation since: LiveSession.LetGo). At
        // shutdown the silo has already done so for all its sessions at once (HandOverOnShutdown).
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown && !_activity.HandedOver)
        {
            try
            {
                await Site.RenewLeaseAsync(_sessionId, _activity.LastActivityAt, exact: true, GrainContext.ActivationId);
            }
            catch (Exception ex)
            {
                // The lease still ends the session, at most its headroom later.
                LogHandOverFailed(ex, _siteId, _sessionId);
            }
        }
    }

    public Task EndAsync(SessionEndReason reason)
    {
        if (_phase is Phase.Unresolved or Phase.Live)
        {
            EndHere(reason);
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public async Task<TouchResult> TouchAsync()
    {
        StartOverIfHandedOver();
        if (_phase == Phase.Unresolved)
        {
            if (await FirstTouchAsync())
            {
                return new SessionActive { IdleExpiresAt = IdleDeadline };
            }
        }

        if (_phase != Phase.Live)
        {
            return Outcome();
        }

        var now = clock.GetUtcNow();
        if (now >= IdleDeadline)
        {
            // Unless the site knew of later activity (another activation was touched): then it carries on from the lease.
            await EndIdleAsync();
            if (_phase == Phase.Unresolved)
            {
                return await TouchAsync();
            }

            return Outcome();
        }

        if (!_activity.TryRecord(now))
        {
            // Handed over since this call began: the site must hear of this touch.
            StartOverIfHandedOver();
            return await TouchAsync();
        }

        if (IdleDeadline < _alarmAt)
        {
            // Only after taking a lease's end as the deadline (see Resolve): this touch makes it exact, and earlier.
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
        StartOverIfHandedOver();
        await ResolveAsync();
        if (_phase == Phase.Live && clock.GetUtcNow() >= IdleDeadline)
        {
            // The alarm is about to end it: say so now rather than report a deadline in the past.
            await EndIdleAsync();
            await ResolveAsync();
        }

        return _phase == Phase.Live ? new SessionActive { IdleExpiresAt = IdleDeadline } : Outcome();
    }

    private DateTimeOffset IdleDeadline => _activity.LastActivityAt + _lease.IdleTimeout;

    public async Task IdleAlarmAsync()
    {
        StartOverIfHandedOver();
        if (_phase == Phase.Unresolved)
        {
            // The alarm of an activation that is gone reached a new one, or the silo handed this one over: nothing to check.
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

    /// <summary>
    /// This activation's first touch: it renews the lease from now, in the same call that asks the site about the
    /// session. True when the session is live and the touch counted. While the database is away the renewal fails;
    /// then the site's answer from memory will do, the touch counts here, and a later touch renews.
    /// </summary>
    private async Task<bool> FirstTouchAsync()
    {
        var now = clock.GetUtcNow();
        try
        {
            Resolve(await Site.FirstTouchAsync(_sessionId, now, GrainContext.ActivationId), fromTouch: true);
            return _phase == Phase.Live;
        }
        catch (Exception ex) when (ClusterFaults.IsStorageFailure(ex))
        {
            LogRenewalFailed(ex, _siteId, _sessionId);
        }

        var lookup = await Site.GetLeaseAsync(_sessionId, GrainContext.ActivationId);
        if (lookup.Lease is { } lease && lease.ExpiresAt > now)
        {
            // The renewal is not stored, so the stored lease may end sooner than this one: the next touch the retry
            // delay allows renews it.
            BecomeLive(lease with { ExpiresAt = now }, now);
            _renewalRetryAt = now + RenewalRetryDelay;
            return true;
        }

        Resolve(lookup, fromTouch: false);
        return false;
    }

    private async Task ResolveAsync()
    {
        if (_phase == Phase.Unresolved)
        {
            Resolve(await Site.GetLeaseAsync(_sessionId, GrainContext.ActivationId), fromTouch: false);
        }
    }

    /// <summary>Takes the site's answer for an activation that knows nothing yet.</summary>
    /// <param name="fromTouch">The answer is to a renewal from a touch just made, so the user's last activity is now.</param>
    private void Resolve(LeaseLookup lookup, bool fromTouch)
    {
        if (lookup.Lease is { } lease)
        {
            // Without a touch of its own, the activation cannot know of touches an earlier activation saw and did not
            // report: the lease covers them, so the session runs to the lease's end, never shorter than the user's real
            // idle deadline. A lease the site holds alone (no grain until now) ends exactly at that deadline.
            BecomeLive(lease, fromTouch ? lease.LastActivityAt : lease.ExpiresAt - lease.IdleTimeout);
        }
        else if (lookup.EndedReason is { } reason)
        {
            // Kept until idle collection: requests arriving together (a page's parallel requests after a break) all
            // ask, and each would otherwise meet an activation on its way out.
            EndHere(reason);
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
        _activity = localSessions.Track(_siteId, _sessionId, lastActivity, GrainContext.ActivationId);
        SetAlarm();
    }

    private async Task RenewAsync()
    {
        LeaseLookup lookup;
        try
        {
            lookup = await Site.RenewLeaseAsync(_sessionId, _activity.LastActivityAt, exact: false, GrainContext.ActivationId);
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
            EndHere(lookup.EndedReason ?? SessionEndReason.Idle);
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Frees the seat; the site records the end. If the site refuses, because it knows of activity this activation never
    /// saw (a second activation of the session, possible for a moment after a silo's death, was touched and renewed the
    /// lease), nothing ends: this activation forgets what it held and goes back to asking the site.
    /// </summary>
    private async Task EndIdleAsync()
    {
        try
        {
            if (!await Site.SessionEndedAsync(_sessionId, SessionEndReason.Idle, _activity.LastActivityAt, GrainContext.ActivationId))
            {
                StartOver();
                return;
            }
        }
        catch (Exception ex)
        {
            // Not fatal: the site's lease for this session runs out by itself, and is recorded as an idle end then.
            // Until then the site would take a new activation's touch for a live session, so this one stays to answer.
            LogReleaseFailed(ex, _siteId, _sessionId);
            var leaseLeft = _lease.ExpiresAt - clock.GetUtcNow();
            EndHere(SessionEndReason.Idle);
            if (leaseLeft > TimeSpan.Zero)
            {
                DelayDeactivation(leaseLeft);
            }

            return;
        }

        EndHere(SessionEndReason.Idle);
        DeactivateOnIdle();
    }

    /// <summary>
    /// The silo handed this session to its site as it began to stop (<see cref="HandOverOnShutdown"/>): the site holds the
    /// exact deadline now, and ends the session without telling anyone, so this activation answers nothing more from
    /// memory. It asks the site again, which then knows it is here.
    /// </summary>
    private void StartOverIfHandedOver()
    {
        if (_phase == Phase.Live && _activity.HandedOver)
        {
            StartOver();
        }
    }

    /// <summary>Forgets what this activation held; its next call asks the site.</summary>
    private void StartOver()
    {
        localSessions.Forget(_siteId, _sessionId);
        CancelAlarm();
        _phase = Phase.Unresolved;
    }

    /// <summary>The session ended (the site has it on record, or will when the lease runs out).</summary>
    private void EndHere(SessionEndReason reason)
    {
        if (_phase == Phase.Live)
        {
            localSessions.Forget(_siteId, _sessionId);
        }

        _phase = Phase.Ended;
        CancelAlarm();
        _endedReason = reason;
        LogEnded(_siteId, _sessionId, reason);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} session {SessionId}: handing the idle deadline to the site on deactivation failed")]
    private partial void LogHandOverFailed(Exception exception, string siteId, SessionId sessionId);
}
